package launcher

import (
	"os"
	"strings"
)

// UsernsRestrictions names what on this host keeps unprivileged users from
// creating user namespaces, for the error a rootless start gives.
func UsernsRestrictions() string {
	checks := []struct{ file, bad, say string }{
		{"/proc/sys/kernel/unprivileged_userns_clone", "0", "sysctl kernel.unprivileged_userns_clone=0"},
		{"/proc/sys/user/max_user_namespaces", "0", "sysctl user.max_user_namespaces=0"},
		{"/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1", "AppArmor's kernel.apparmor_restrict_unprivileged_userns=1"},
	}
	var found []string
	for _, c := range checks {
		if b, err := os.ReadFile(c.file); err == nil && strings.TrimSpace(string(b)) == c.bad {
			found = append(found, c.say)
		}
	}
	if len(found) == 0 {
		return "unprivileged user namespaces may be restricted on this host"
	}
	return "unprivileged user namespaces are disabled here by " + strings.Join(found, " and ")
}
