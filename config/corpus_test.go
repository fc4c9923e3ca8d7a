package config

import (
	"bytes"
	"flag"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/internal/corpus"
)

var update = flag.Bool("update", false, "rewrite the expected output of the test corpora")

// corpusCase is one txtar file of testdata/invalid (see internal/corpus)
// with the load options its "vars", "varfiles" and "env" sections give.
type corpusCase struct {
	*corpus.Case
	opts Options
}

func readCase(t *testing.T, path string) *corpusCase {
	t.Helper()
	c := &corpusCase{Case: corpus.Read(t, path)}
	c.opts.Vars, c.opts.VarFiles, c.opts.LookupEnv = c.Lines("vars"), c.Lines("varfiles"), c.Env()
	return c
}

// TestInvalidCorpus loads every configuration of testdata/invalid and
// compares the rendered diagnostics with the expected ones.
func TestInvalidCorpus(t *testing.T) {
	paths, _ := filepath.Glob("testdata/invalid/*.txtar")
	if len(paths) < 40 {
		t.Errorf("the invalid corpus has %d cases, want at least 40", len(paths))
	}
	for _, p := range paths {
		abs, _ := filepath.Abs(p)
		t.Run(strings.TrimSuffix(filepath.Base(p), ".txtar"), func(t *testing.T) {
			c := readCase(t, abs)
			c.Extract(t)
			cfg, diags := LoadWith([]string{"."}, c.opts)
			if !diags.HasErrors() {
				t.Errorf("LoadWith found no error")
			}
			var got bytes.Buffer
			if err := WriteDiagnostics(&got, diags, cfg.Files, RenderOptions{}); err != nil {
				t.Fatal(err)
			}
			if *update {
				c.SetSection(t, "want", got.Bytes())
				return
			}
			if want := c.Section("want"); !bytes.Equal(got.Bytes(), want) {
				t.Errorf("diagnostics:\n%s\nwant:\n%s", got.Bytes(), want)
			}
		})
	}
}
