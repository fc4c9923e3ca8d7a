package launcher

import (
	"testing"

	"github.com/hclsandbox/sandbox/config"
)

// BenchmarkNewPlan is the parent's per-sandbox planning cost, seccomp
// compilation included (cached after the first plan of a process).
func BenchmarkNewPlan(b *testing.B) {
	s := &config.Sandbox{Name: "bench", Command: []string{"/bin/true"}, Rootfs: "/srv/rootfs", Namespaces: config.Namespaces}
	for b.Loop() {
		NewPlan(s, testHost)
	}
}

// BenchmarkSeccompCompile is the cost of compiling the default profile once.
func BenchmarkSeccompCompile(b *testing.B) {
	for b.Loop() {
		seccompCache.Clear()
		NewPlan(&config.Sandbox{Name: "bench", Command: []string{"/bin/true"}, Namespaces: config.Namespaces}, testHost)
	}
}
