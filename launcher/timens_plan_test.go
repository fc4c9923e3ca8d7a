package launcher

import (
	"slices"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/config"
)

// TestPlanTimeOldKernel: a kernel without time namespaces is named in the
// plan's warnings; a newer one, or an unknown one, is not.
func TestPlanTimeOldKernel(t *testing.T) {
	s := &config.Sandbox{Name: "clock", Command: []string{"app"}, Namespaces: append(slices.Clone(config.Namespaces), "time")}
	for _, c := range []struct {
		k    KernelVersion
		warn bool
	}{{KernelVersion{5, 4}, true}, {KernelVersion{4, 19}, true}, {KernelVersion{5, 6}, false}, {KernelVersion{6, 1}, false}, {KernelVersion{}, false}} {
		h := *testHost
		h.Kernel = c.k
		p := NewPlan(s, &h)
		got := slices.ContainsFunc(p.HostWarnings, func(w string) bool { return strings.Contains(w, "they need Linux 5.6") })
		if got != c.warn {
			t.Errorf("kernel %v: warned %v, want %v (%q)", c.k, got, c.warn, p.HostWarnings)
		}
	}
}

// TestPlanTimeThreadsWarning: on a kernel where a command in a time
// namespace is not known to start threads, the plan says so.
func TestPlanTimeThreadsWarning(t *testing.T) {
	s := &config.Sandbox{Name: "clock", Command: []string{"app"}, Namespaces: append(slices.Clone(config.Namespaces), "time")}
	for _, c := range []struct {
		k    KernelVersion
		warn bool
	}{{KernelVersion{6, 1}, true}, {KernelVersion{6, 18}, false}, {KernelVersion{7, 0}, false}, {KernelVersion{5, 4}, false}} {
		h := *testHost
		h.Kernel = c.k
		p := NewPlan(s, &h)
		got := slices.ContainsFunc(p.HostWarnings, func(w string) bool { return strings.Contains(w, "may not start threads") })
		if got != c.warn {
			t.Errorf("kernel %v: warned %v, want %v (%q)", c.k, got, c.warn, p.HostWarnings)
		}
	}
}
