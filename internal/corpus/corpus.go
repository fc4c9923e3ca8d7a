// Package corpus reads the txtar test corpora (config/testdata/valid and
// invalid), which the config package's tests and the command's tests
// share: a case holds configuration files and special sections, "want"
// (the expected diagnostics), "plan.json" (the golden plan), "vars",
// "varfiles", "env" and "args" (one entry a line). It is for tests only
// and must never be imported by the packages that ship.
package corpus

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// Special are the sections of a case that are not configuration files.
var Special = map[string]bool{"want": true, "vars": true, "varfiles": true, "env": true, "plan.json": true, "args": true}

// Case is one txtar file of a corpus.
type Case struct {
	Path    string
	Archive *txtar.Archive
}

// Read parses the case at path, failing t if it cannot.
func Read(t testing.TB, path string) *Case {
	t.Helper()
	a, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return &Case{Path: path, Archive: a}
}

// Section is the named section's content, or nil.
func (c *Case) Section(name string) []byte {
	for _, f := range c.Archive.Files {
		if f.Name == name {
			return f.Data
		}
	}
	return nil
}

// Lines are the non-empty, trimmed lines of the named section.
func (c *Case) Lines(name string) []string { return Lines(c.Section(name)) }

// Env is the case's "env" section as a lookup function.
func (c *Case) Env() func(string) (string, bool) {
	vars := map[string]string{}
	for _, l := range c.Lines("env") {
		k, v, _ := strings.Cut(l, "=")
		vars[k] = v
	}
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

// Extract writes the configuration files into a fresh directory, enters
// it for the rest of the test and returns it.
func (c *Case) Extract(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range c.Archive.Files {
		if Special[f.Name] {
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

// SetSection replaces (or adds) a section and rewrites the case file, for
// -update.
func (c *Case) SetSection(t testing.TB, name string, data []byte) {
	t.Helper()
	found := false
	for i := range c.Archive.Files {
		if c.Archive.Files[i].Name == name {
			c.Archive.Files[i].Data, found = data, true
		}
	}
	if !found {
		c.Archive.Files = append(c.Archive.Files, txtar.File{Name: name, Data: data})
	}
	if err := os.WriteFile(c.Path, txtar.Format(c.Archive), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Lines are the non-empty, trimmed lines of b.
func Lines(b []byte) []string {
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
