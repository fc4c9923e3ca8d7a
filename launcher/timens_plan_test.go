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

// TestPlanTimeNotHeld: on a kernel not known to hold an executed command
// in its time namespace, the plan is refused, at the namespaces
// attribute, by validate and plan as by the start.
func TestPlanTimeNotHeld(t *testing.T) {
	s := &config.Sandbox{Name: "clock", Command: []string{"app"}, Namespaces: append(slices.Clone(config.Namespaces), "time")}
	for _, c := range []struct {
		k    KernelVersion
		warn bool
	}{{KernelVersion{6, 1}, true}, {KernelVersion{6, 18}, false}, {KernelVersion{7, 0}, false}, {KernelVersion{5, 4}, false}} {
		h := *testHost
		h.Kernel = c.k
		p := NewPlan(s, &h)
		d := PlanDiagnostics(p, s)
		if got := d.HasErrors() && strings.Contains(d.Error(), "Time namespace not held"); got != c.warn {
			t.Errorf("kernel %v: refused %v, want %v (%v)", c.k, got, c.warn, d)
		}
		if got := CheckPlan(s, &h); got.Error() != d.Error() {
			t.Errorf("kernel %v: CheckPlan = %v, want what PlanDiagnostics says, %v", c.k, got, d)
		}
		if got := refusal(p) != nil; got != c.warn {
			t.Errorf("kernel %v: Start refuses %v, want %v", c.k, got, c.warn)
		}
	}
}
