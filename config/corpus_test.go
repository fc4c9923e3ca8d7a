package config

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

var update = flag.Bool("update", false, "rewrite the expected output of the test corpora")

// corpusCase is one txtar file of testdata/invalid: configuration files,
// optional "vars", "varfiles" and "env" sections (one entry a line) and the
// expected rendered diagnostics in "want".
type corpusCase struct {
	path    string
	archive *txtar.Archive
	opts    Options
}

func readCase(t *testing.T, path string) *corpusCase {
	t.Helper()
	a, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c := &corpusCase{path: path, archive: a}
	env := map[string]string{}
	for _, f := range a.Files {
		lines := nonEmptyLines(f.Data)
		switch f.Name {
		case "vars":
			c.opts.Vars = lines
		case "varfiles":
			c.opts.VarFiles = lines
		case "env":
			for _, l := range lines {
				k, v, _ := strings.Cut(l, "=")
				env[k] = v
			}
		}
	}
	c.opts.LookupEnv = func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	return c
}

// extract writes the case's files into a fresh directory and enters it.
func (c *corpusCase) extract(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range c.archive.Files {
		if f.Name == "want" || f.Name == "vars" || f.Name == "varfiles" || f.Name == "env" {
			continue
		}
		p := filepath.Join(dir, f.Name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	return dir
}

func (c *corpusCase) section(name string) []byte {
	for _, f := range c.archive.Files {
		if f.Name == name {
			return f.Data
		}
	}
	return nil
}

// setSection replaces (or adds) a section and rewrites the file.
func (c *corpusCase) setSection(t *testing.T, name string, data []byte) {
	t.Helper()
	found := false
	for i := range c.archive.Files {
		if c.archive.Files[i].Name == name {
			c.archive.Files[i].Data, found = data, true
		}
	}
	if !found {
		c.archive.Files = append(c.archive.Files, txtar.File{Name: name, Data: data})
	}
	if err := os.WriteFile(c.path, txtar.Format(c.archive), 0o644); err != nil {
		t.Fatal(err)
	}
}

func nonEmptyLines(b []byte) []string {
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
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
			c.extract(t)
			cfg, diags := LoadWith([]string{"."}, c.opts)
			if !diags.HasErrors() {
				t.Errorf("LoadWith found no error")
			}
			var got bytes.Buffer
			if err := WriteDiagnostics(&got, diags, cfg.Files, RenderOptions{}); err != nil {
				t.Fatal(err)
			}
			if *update {
				c.setSection(t, "want", got.Bytes())
				return
			}
			if want := c.section("want"); !bytes.Equal(got.Bytes(), want) {
				t.Errorf("diagnostics:\n%s\nwant:\n%s", got.Bytes(), want)
			}
		})
	}
}
