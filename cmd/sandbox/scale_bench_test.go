package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeScaleFile writes n sandbox blocks into one file in a temp dir.
func writeScaleFile(b *testing.B, n int) string {
	b.Helper()
	var s strings.Builder
	for i := range n {
		fmt.Fprintf(&s, "sandbox \"s%d\" {\n  command  = [\"/bin/echo\", \"hello %d\"]\n  hostname = \"h%d\"\n  limits {\n    memory = \"64MiB\"\n    pids   = 32\n  }\n}\n", i, i, i)
	}
	p := filepath.Join(b.TempDir(), "big.hcl")
	if err := os.WriteFile(p, []byte(s.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	return p
}

// benchCommand runs one command line per iteration over files of 100,
// 1,000 and 10,000 blocks, reporting the cost per block.
func benchCommand(b *testing.B, args ...string) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			p := writeScaleFile(b, n)
			b.ReportAllocs()
			for b.Loop() {
				e := newEnv()
				e.stdout, e.stderr = io.Discard, io.Discard
				if code := e.main(append(args, p)); code != 0 {
					b.Fatalf("%v exited %d", args, code)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/block")
		})
	}
}

// BenchmarkValidateCommand is `sandbox validate FILE`, loading included.
func BenchmarkValidateCommand(b *testing.B) { benchCommand(b, "validate") }

// BenchmarkPlanJSONCommand is `sandbox plan --json FILE`.
func BenchmarkPlanJSONCommand(b *testing.B) { benchCommand(b, "plan", "--json") }
