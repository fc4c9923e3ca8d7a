package launcher

import (
	"encoding/json"
	"testing"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/isolation"
)

// BenchmarkNewPlan is the parent's per-sandbox planning cost, seccomp
// compilation included (cached after the first plan of a process).
func BenchmarkNewPlan(b *testing.B) {
	s := &config.Sandbox{Name: "bench", Command: []string{"/bin/true"}, Rootfs: "/srv/rootfs", Namespaces: config.Namespaces}
	for b.Loop() {
		NewPlan(s, testHost)
	}
}

// BenchmarkSpecDecode is the child's first step: decoding the spec of a
// sandbox with default isolation (the seccomp program included).
func BenchmarkSpecDecode(b *testing.B) {
	s := &config.Sandbox{Name: "bench", Command: []string{"/bin/true"}, Rootfs: "/srv/rootfs", Namespaces: config.Namespaces}
	data, err := json.Marshal(NewPlan(s, testHost).Spec)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		var spec isolation.Spec
		if err := json.Unmarshal(data, &spec); err != nil {
			b.Fatal(err)
		}
	}
}
