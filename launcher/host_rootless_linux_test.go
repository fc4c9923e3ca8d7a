package launcher

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Without a delegated subtree, a cgroup v2 host's user bus is what gives
// one, at start; without a bus, the reason says that there is none.
func TestProbeRootlessCgroups(t *testing.T) {
	root := t.TempDir() // a v2 tree in which nothing is delegated
	uid := os.Geteuid()
	manager := filepath.Join(root, "user.slice", fmt.Sprintf("user-%d.slice", uid), fmt.Sprintf("user@%d.service", uid))
	if err := os.MkdirAll(manager, 0o755); err != nil {
		t.Fatal(err)
	}
	for dir, ctrls := range map[string]string{root: "cpuset cpu io memory hugetlb pids", manager: "cpu memory pids"} {
		if err := os.WriteFile(filepath.Join(dir, "cgroup.controllers"), []byte(ctrls), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := func(vars map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	}
	h := probeRootlessCgroups(root, env(nil))
	if h.Version != 0 || !strings.Contains(h.Unusable, "no cgroup v2 subtree is delegated") ||
		!strings.Contains(h.Unusable, "no systemd user manager reachable on D-Bus") {
		t.Errorf("no bus: probeRootlessCgroups() = %+v, want no cgroup, saying there is no user bus", h)
	}
	h = probeRootlessCgroups(root, env(map[string]string{"DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/user/1/bus"}))
	if h.Version != 2 || !h.Delegated || h.Root != "" || h.UserBus != "unix:path=/run/user/1/bus" ||
		strings.Join(h.Controllers, " ") != "cpu memory pids" {
		t.Errorf("bus: probeRootlessCgroups() = %+v, want a delegated v2 root to ask the manager for, with its controllers", h)
	}
}
