package launcher

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/launcher/cgroups"
)

// A user bus that gives no scope leaves the sandbox without a cgroup, for
// the reason said: required limits fail the start, optional ones and a
// sandbox without limits run with a warning.
func TestScopeUnavailable(t *testing.T) {
	if cgroups.ProbeDelegated("/sys/fs/cgroup").Version != 0 {
		t.Skip("the launcher's own cgroup is delegated: no scope would be asked for")
	}
	bus := "unix:path=" + filepath.Join(t.TempDir(), "no-bus")
	h := &Host{EUID: 1000, EGID: 1000, Cgroups: cgroups.CgroupHost{Version: 2, Delegated: true, UserBus: bus,
		Controllers: []string{"cpu", "memory", "pids"}}}
	const why = "no delegated cgroup from the systemd user manager: connect to the systemd user manager at " + "unix:path="
	s := limitedSandbox()
	_, _, _, err := createCgroup(NewPlan(s, h), nil)
	if err == nil || !strings.Contains(err.Error(), "limits.cpus, limits.memory, limits.pids cannot be enforced: "+why) {
		t.Errorf("required limits: createCgroup() = %v, want them refused for want of a scope", err)
	}
	s.Limits.Optional = []string{"cpus", "memory", "pids"}
	cg, _, warnings, err := createCgroup(NewPlan(s, h), nil)
	if cg != nil || err != nil || !hasAll(warnings, []string{"memory (limits.memory) not enforced: " + why, "started without root: no cgroup (" + why}) {
		t.Errorf("optional limits: createCgroup() = %v, %q, %v; want no cgroup, and warnings that say why", cg, warnings, err)
	}
	s.Limits = nil
	if cg, _, warnings, err := createCgroup(NewPlan(s, h), nil); cg != nil || err != nil || !hasAll(warnings, []string{"started without root: no cgroup (" + why}) {
		t.Errorf("no limits: createCgroup() = %v, %q, %v; want no cgroup and a warning", cg, warnings, err)
	}
}
