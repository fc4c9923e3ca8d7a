package launcher

import (
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/launcher/cgroups"
)

// Without root on cgroup v1, a sandbox is refused for the limits it
// requires, each named with the reason, and runs with a warning for those
// its file lists as optional.
func TestRootlessV1Limits(t *testing.T) {
	h := &Host{EUID: 1000, EGID: 1000, Cgroups: cgroups.CgroupHost{Unusable: "cgroup v1 cannot be delegated to a user without root"}}
	for _, tc := range []struct {
		optional []string
		err      string
		warnings []string
	}{
		{nil, `limits.cpus, limits.memory, limits.pids cannot be enforced: cgroup v1 cannot be delegated to a user without root; run it as root, on a cgroup v2 host with a subtree delegated to you, or mark them optional: limits { optional = ["cpus", "memory", "pids"] }`, nil},
		{[]string{"cpus", "pids"}, `limits.memory cannot be enforced: cgroup v1 cannot be delegated to a user without root; run it as root, on a cgroup v2 host with a subtree delegated to you, or mark them optional: limits { optional = ["memory"] }`, nil},
		{[]string{"cpus", "memory", "pids"}, "", []string{
			"cpu (limits.cpus) not enforced: cgroup v1 cannot be delegated to a user without root",
			"memory (limits.memory) not enforced: cgroup v1 cannot be delegated to a user without root",
			"pids (limits.pids) not enforced: cgroup v1 cannot be delegated to a user without root",
		}},
	} {
		s := limitedSandbox()
		s.Limits.Optional = tc.optional
		p := NewPlan(s, h)
		cg, _, warnings, err := createCgroup(p, nil)
		if cg != nil {
			t.Fatalf("optional %v: createCgroup() made a cgroup %s", tc.optional, cg.Path())
		}
		if got := errString(err); got != tc.err {
			t.Errorf("optional %v: createCgroup() error = %q\nwant %q", tc.optional, got, tc.err)
		}
		if err == nil && !hasAll(warnings, tc.warnings) {
			t.Errorf("optional %v: warnings = %q, want %q among them", tc.optional, warnings, tc.warnings)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func hasAll(got, want []string) bool {
	joined := strings.Join(got, "\n")
	for _, w := range want {
		if !strings.Contains(joined, w) {
			return false
		}
	}
	return true
}
