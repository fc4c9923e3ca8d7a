package doctor

import (
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/cgroups"
)

// Without root, doctor says which cgroup sandboxes get, or why none.
func TestDoctorRootlessCgroups(t *testing.T) {
	for _, tc := range []struct {
		name string
		host cgroups.CgroupHost
		ok   bool
		want string
	}{
		{"v1", cgroups.CgroupHost{Unusable: "cgroup v1 cannot be delegated to a user without root"}, false, "without limits: cgroup v1 cannot be delegated"},
		{"own subtree", cgroups.CgroupHost{Version: 2, Root: "/sys/fs/cgroup/alice", Delegated: true, Controllers: []string{"memory", "pids"}}, true, "v2 subtree delegated to you at /sys/fs/cgroup/alice"},
		{"systemd scope", cgroups.CgroupHost{Version: 2, Delegated: true, UserBus: "unix:path=/run/user/1000/bus"}, true, "the systemd user manager on unix:path=/run/user/1000/bus"},
	} {
		checks := cgroupChecks(&launcher.Host{EUID: 1000, Cgroups: tc.host})
		if c := checks[0]; c.OK != tc.ok || !strings.Contains(c.Detail, tc.want) {
			t.Errorf("%s: cgroups check = %+v, want ok %v and %q", tc.name, c, tc.ok, tc.want)
		}
	}
}
