package plancache

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"

	"github.com/hclsandbox/sandbox/config"
)

// FuzzUnmarshal: no entry, however made, panics or is taken for another
// query's; whatever is not a well-formed entry is an error.
func FuzzUnmarshal(f *testing.F) {
	dir := f.TempDir()
	p := filepath.Join(dir, "web.hcl")
	if err := os.WriteFile(p, []byte(webHCL[:len(webHCL)-len("  env_file = [\"web.env\"]\n}\n")]+"}\n"), 0o644); err != nil {
		f.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "motd.txt"), []byte("hi"), 0o644)
	rec := newRecorder([]string{p}, config.Options{}, false)
	cfg, diags := config.LoadWith([]string{p}, rec.options())
	if diags.HasErrors() || !rec.finish() {
		f.Fatalf("load: %v", diags)
	}
	good, err := marshal([]byte("q"), &rec.in, cfg)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte(magic))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := unmarshal(resignIfMagic(b), []byte("q"), func(string) (string, bool) { return "", false })
		if (got == nil) == (err == nil) {
			t.Fatalf("unmarshal = %v, %v: want one of them", got, err)
		}
		if got, err := unmarshal(resignIfMagic(b), []byte("other"), nil); err == nil {
			t.Fatalf("an entry was taken for another query's: %v", got)
		}
	})
}

// resignIfMagic lets the fuzzer's bytes past the sum check.
func resignIfMagic(b []byte) []byte {
	if len(b) < len(magic)+32 || string(b[:len(magic)]) != magic {
		return b
	}
	return resign(append([]byte(nil), b...))
}

// resign sets the sha256 of an entry to its body's, as a forger would.
func resign(b []byte) []byte {
	sum := sha256.Sum256(b[len(magic)+32:])
	copy(b[len(magic):], sum[:])
	return b
}
