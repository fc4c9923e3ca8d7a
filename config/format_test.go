package config

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// TestFormatIdempotent formats every example and corpus file twice: the
// second pass must change nothing, and the examples must already be
// formatted.
func TestFormatIdempotent(t *testing.T) {
	sources := map[string][]byte{}
	examples, _ := filepath.Glob("../examples/*.hcl")
	for _, p := range examples {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		sources[p] = b
	}
	cases, _ := filepath.Glob("testdata/*/*.txtar")
	for _, p := range cases {
		a, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range a.Files {
			if filepath.Ext(f.Name) == ".hcl" {
				sources[p+":"+f.Name] = f.Data
			}
		}
	}
	for name, src := range sources {
		once, diags := Format(src, name)
		if diags.HasErrors() {
			continue // the syntax-error cases
		}
		twice, _ := Format(once, name)
		if !bytes.Equal(once, twice) {
			t.Errorf("Format(Format(%s)) changed it again:\n%s\nthen:\n%s", name, once, twice)
		}
		if filepath.Dir(name) == "../examples" && !bytes.Equal(once, src) {
			t.Errorf("%s is not formatted; run sandbox fmt examples", name)
		}
	}
}

func TestFormatRefusesBrokenSyntax(t *testing.T) {
	out, diags := Format([]byte("sandbox \"x\" {\n"), "x.hcl")
	if out != nil || !diags.HasErrors() {
		t.Errorf("Format(unclosed block) = %q, %v; want nil and an error", out, diags)
	}
}
