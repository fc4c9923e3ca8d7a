package oci

import (
	"slices"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// TestOCITimeNamespace: a time namespace and its offsets reach the bundle,
// a negative offset as OCI writes it (seconds down, nanoseconds up).
func TestOCITimeNamespace(t *testing.T) {
	s := &config.Sandbox{Name: "clock", Command: []string{"app"}, Namespaces: append(slices.Clone(config.Namespaces), "time"),
		ClockOffsets: &config.ClockOffsets{Monotonic: time.Hour, Boottime: -1500 * time.Millisecond},
		Security:     config.Security{Seccomp: config.SeccompConfig{Profile: config.SeccompUnconfined}}}
	b, err := Config(launcher.NewPlan(s, testHost), s, testHost, "/bundle/rootfs", func(string) bool { return true })
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
