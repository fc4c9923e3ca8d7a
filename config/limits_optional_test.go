package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// optional names limits that may go unenforced; the others stay required.
func TestLimitsOptionalDecode(t *testing.T) {
	s, diags := loadOne(t, `
  limits {
    memory   = "64MiB"
    pids     = 64
    optional = ["pids"]
  }`)
	if diags != "" {
		t.Fatalf("diagnostics: %s", diags)
	}
	if want := []string{"pids"}; !reflect.DeepEqual(s.Limits.Optional, want) || !s.Limits.Strict {
		t.Errorf("Limits = %+v, want strict with optional %v", s.Limits, want)
	}
}

func TestLimitsOptionalDiagnostics(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{`limits {` + "\n" + `memory = "1G"` + "\n" + `optional = ["memroy"]` + "\n}", `"memroy" is not a limit`},
		{`limits {` + "\n" + `memory = "1G"` + "\n" + `optional = ["strict"]` + "\n}", `"strict" is not a limit`},
		{`limits {` + "\n" + `memory = "1G"` + "\n" + `optional = ["pids"]` + "\n}", `"pids" is not set in this limits block`},
		{`limits {` + "\n" + `memory = "1G"` + "\n" + `optional = ["memory", "memory"]` + "\n}", `"memory" is listed twice`},
		{`limits {` + "\n" + `memory = "1G"` + "\n" + `optional = "memory"` + "\n}", "a list of strings"},
		{`limits {` + "\n" + `memory = "1G"` + "\n" + `strict = false` + "\n" + `optional = ["memory"]` + "\n}", "already optional"},
	} {
		_, diags := loadOne(t, tc.body)
		if !strings.Contains(diags, tc.want) {
			t.Errorf("%s: diagnostics = %q, want one containing %q", tc.body, diags, tc.want)
		}
	}
}

// A bad name is reported at its own element: file, line and column.
func TestLimitsOptionalRange(t *testing.T) {
	name := filepath.Join(t.TempDir(), "o.hcl")
	src := "sandbox \"s\" {\n  command = [\"/bin/true\"]\n  limits {\n    memory   = \"1G\"\n    optional = [\"memory\", \"cpu\"]\n  }\n}\n"
	if err := os.WriteFile(name, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, diags := Load([]string{name})
	if len(diags) != 1 || diags[0].Subject == nil {
		t.Fatalf("Load() diagnostics = %v, want one with a range", diags)
	}
	r := diags[0].Subject
	if r.Filename != name || r.Start.Line != 5 || r.Start.Column != 27 {
		t.Errorf("diagnostic at %s:%d:%d, want %s:5:27 (the element \"cpu\")", r.Filename, r.Start.Line, r.Start.Column, name)
	}
}
