package config

import "testing"

func BenchmarkBig(b *testing.B) {
	for b.Loop() {
		_, diags := LoadWith([]string{"/tmp/x/big/s10000.hcl"}, Options{})
		if diags.HasErrors() {
			b.Fatal(diags)
		}
	}
}
func BenchmarkBigDup(b *testing.B) {
	for b.Loop() {
		LoadWith([]string{"/tmp/x/big/d10000.hcl"}, Options{})
	}
}
