package launcher

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/config"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// TestOCITimeNamespace: a time namespace and its offsets reach the bundle,
// a negative offset as OCI writes it (seconds down, nanoseconds up).
func TestOCITimeNamespace(t *testing.T) {
	s := &config.Sandbox{Name: "clock", Command: []string{"app"}, Namespaces: append(slices.Clone(config.Namespaces), "time"),
		ClockOffsets: &config.ClockOffsets{Monotonic: time.Hour, Boottime: -1500 * time.Millisecond},
		Security:     config.Security{Seccomp: config.SeccompConfig{Profile: config.SeccompUnconfined}}}
	b, err := OCIConfig(NewPlan(s, testHost), s, testHost, "/bundle/rootfs", func(string) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(b.Spec.Linux.Namespaces, specs.LinuxNamespace{Type: specs.TimeNamespace}) {
		t.Errorf("namespaces = %v, want a time namespace", b.Spec.Linux.Namespaces)
	}
	want := map[string]specs.LinuxTimeOffset{"monotonic": {Secs: 3600}, "boottime": {Secs: -2, Nanosecs: 500000000}}
	for clock, w := range want {
		if got := b.Spec.Linux.TimeOffsets[clock]; got != w {
			t.Errorf("timeOffsets[%s] = %+v, want %+v", clock, got, w)
		}
	}
}

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
