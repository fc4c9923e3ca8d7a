package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeBlocks writes n sandbox blocks into one file; with dup every name
// appears twice, so the load reports n/2 duplicates.
func writeBlocks(tb testing.TB, n int, dup bool) string {
	tb.Helper()
	var b strings.Builder
	for i := range n {
		id := i
		if dup {
			id = i / 2
		}
		fmt.Fprintf(&b, "sandbox \"s%d\" {\n  command  = [\"/bin/echo\", \"hello %d\"]\n  hostname = \"h%d\"\n  limits {\n    memory = \"64MiB\"\n    pids   = 32\n  }\n}\n", id, i, i)
	}
	p := filepath.Join(tb.TempDir(), "big.hcl")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

// BenchmarkValidate is `sandbox validate` of 100, 1,000 and 10,000 blocks
// in one file: the time per block should stay flat as the file grows.
func BenchmarkValidate(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			p := writeBlocks(b, n, false)
			b.ReportAllocs()
			for b.Loop() {
				if _, diags := Load([]string{p}); diags.HasErrors() {
					b.Fatal(diags)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/block")
		})
	}
}

// BenchmarkValidateDuplicates is the same with every name given twice:
// reporting n/2 duplicates must stay linear too.
func BenchmarkValidateDuplicates(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			p := writeBlocks(b, n, true)
			for b.Loop() {
				if _, diags := Load([]string{p}); !diags.HasErrors() {
					b.Fatal("duplicates not reported")
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/block")
		})
	}
}
