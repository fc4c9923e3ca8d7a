package config

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkLoad is the cost of loading, evaluating and validating one file
// with one sandbox as `sandbox run` does: what a start pays before its plan.
func BenchmarkLoad(b *testing.B) {
	p := filepath.Join(b.TempDir(), "web.hcl")
	src := `sandbox "web" {
  rootfs   = "./rootfs"
  command  = ["/bin/sh", "-c", "exec httpd -f -p 8080"]
  hostname = "web"
  env      = { MODE = "dev" }
  limits {
    memory = "256MiB"
    pids   = 64
    cpus   = 0.5
  }
}
`
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, diags := Load([]string{p}); diags.HasErrors() {
			b.Fatal(diags)
		}
	}
}

// BenchmarkLoadBatch is the cost of loading a fan-out of 100 sandboxes
// (count = 100), per file.
func BenchmarkLoadBatch(b *testing.B) {
	p := filepath.Join(b.TempDir(), "batch.hcl")
	src := `sandbox "job" {
  count   = 100
  rootfs  = "./rootfs"
  command = ["/bin/sh", "-c", "exit ${count.index % 7}"]
}
`
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, diags := Load([]string{p}); diags.HasErrors() {
			b.Fatal(diags)
		}
	}
}
