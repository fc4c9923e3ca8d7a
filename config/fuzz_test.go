package config

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// FuzzLoad loads arbitrary text as a configuration file (from memory, so
// that it runs fast; LoadWith differs only in reading files) and renders the
// diagnostics in both formats: user input must never make it panic.
func FuzzLoad(f *testing.F) {
	examples, _ := filepath.Glob("../examples/*.hcl")
	for _, p := range examples {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	cases, _ := filepath.Glob("testdata/*/*.txtar")
	for _, p := range cases {
		a, err := txtar.ParseFile(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range a.Files {
			if filepath.Ext(file.Name) == ".hcl" {
				f.Add(file.Data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		cfg, diags := loadSource("fuzz.hcl", src, Options{LookupEnv: noEnv})
		var out bytes.Buffer
		if err := WriteDiagnostics(&out, diags, cfg.Files, RenderOptions{Color: true}); err != nil {
			t.Fatal(err)
		}
		if err := WriteDiagnosticsJSON(&out, diags); err != nil {
			t.Fatal(err)
		}
		if !diags.HasErrors() && len(cfg.Sandboxes) > 0 && len(cfg.Sandboxes[0].Command) == 0 {
			t.Errorf("a sandbox without a command loaded without error")
		}
	})
}
