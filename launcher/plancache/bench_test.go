package plancache

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/hclsandbox/sandbox/config"
)

// benchHCL is config's BenchmarkLoad file, with a variable that a miss
// changes through the environment.
const benchHCL = `variable "mode" {
  default = "dev"
}
sandbox "web" {
  rootfs   = "./rootfs"
  command  = ["/bin/sh", "-c", "exec httpd -f -p 8080"]
  hostname = "web"
  env      = { MODE = var.mode }
  limits {
    memory = "256MiB"
    pids   = 64
    cpus   = 0.5
  }
}
`

func benchCache(b *testing.B) (*Cache, []string) {
	b.Helper()
	p := filepath.Join(b.TempDir(), "web.hcl")
	if err := os.WriteFile(p, []byte(benchHCL), 0o644); err != nil {
		b.Fatal(err)
	}
	build, err := selfBuild()
	if err != nil {
		b.Skip("this system gives no build to key entries by")
	}
	return &Cache{Dir: filepath.Join(b.TempDir(), "plancache"), Build: build, noMargin: true}, []string{p}
}

// BenchmarkPlanCacheHit is what a start pays for its configuration when
// nothing changed: the entry read and checked, every input read again and
// digested, the configuration decoded. BenchmarkLoad in config is the load
// it replaces.
func BenchmarkPlanCacheHit(b *testing.B) {
	c, paths := benchCache(b)
	opts := config.Options{LookupEnv: func(string) (string, bool) { return "", false }}
	c.Load(paths, opts, config.LoadWith)
	for b.Loop() {
		if _, _, hit := c.Load(paths, opts, config.LoadWith); !hit {
			b.Fatal("a miss")
		}
	}
}

// BenchmarkPlanCacheMiss is a start after a change (here, of
// SANDBOX_VAR_mode): the stale entry read and refused, the load with
// every read recorded, the new entry written.
func BenchmarkPlanCacheMiss(b *testing.B) {
	c, paths := benchCache(b)
	n := 0
	opts := config.Options{LookupEnv: func(name string) (string, bool) { return strconv.Itoa(n), name == "SANDBOX_VAR_mode" }}
	c.Load(paths, opts, config.LoadWith)
	for b.Loop() {
		n++
		if _, _, hit := c.Load(paths, opts, config.LoadWith); hit {
			b.Fatal("a hit")
		}
	}
}
