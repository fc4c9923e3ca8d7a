package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProjectFromDir: a directory's name becomes a project name as
// compose makes one, or "" when nothing of it is left.
func TestProjectFromDir(t *testing.T) {
	for dir, want := range map[string]string{
		"/src/My App.v2": "myappv2", "/tmp/001": "001", "/x/_-web_1": "web_1", "/x/Ünïcode": "ncode",
		"/": "", "/x/...": "", "/x/" + strings.Repeat("a", 80): strings.Repeat("a", 63),
	} {
		got := ProjectFromDir(dir)
		if got != want {
			t.Errorf("ProjectFromDir(%q) = %q, want %q", dir, got, want)
		}
		if got != "" && !ValidProject(got) {
			t.Errorf("ProjectFromDir(%q) = %q, which is no project name", dir, got)
		}
	}
}

// TestProjectAttribute: the project attribute is a literal project name,
// declared once across the files; each mistake is reported at its place.
func TestProjectAttribute(t *testing.T) {
	tests := []struct {
		src, want, diag, at string
	}{
		{"project = \"dev\"\n", "dev", "", ""},
		{"project = \"Dev\"\n", "", `"Dev" is not a project name`, "p.hcl:1,11"},
		{"variable \"p\" {\n  default = \"x\"\n}\nproject = var.p\n", "", "literal string", "p.hcl:4,11"},
		{"project = \"a\"\nproject = \"b\"\n", "", "Attribute redefined", "p.hcl:2,1"},
	}
	for _, tt := range tests {
		cfg, diags := loadSource("p.hcl", []byte(tt.src), Options{})
		if tt.diag == "" {
			if diags.HasErrors() || cfg.Project != tt.want {
				t.Errorf("%q: project %q, %v; want %q", tt.src, cfg.Project, diags, tt.want)
			}
			continue
		}
		if !diags.HasErrors() || !strings.Contains(diags.Error(), tt.diag) || !strings.HasPrefix(diags.Error(), tt.at) {
			t.Errorf("%q: diagnostics %v, want %q at %s", tt.src, diags, tt.diag, tt.at)
		}
	}
}

// TestProjectAcrossFiles: a second file that names the project again is
// refused with the place of the first; ReadProject, which reads nothing
// else, agrees with the loader.
func TestProjectAcrossFiles(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.hcl"), filepath.Join(dir, "b.hcl")
	os.WriteFile(a, []byte("project = \"one\"\nsandbox \"x\" {\n  command = [\"/bin/true\"]\n}\n"), 0o644)
	os.WriteFile(b, []byte("project = \"two\"\n"), 0o644)
	_, diags := Load([]string{a, b})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "Duplicate project attribute") || !strings.Contains(diags.Error(), "b.hcl:1,1") {
		t.Errorf("Load = %v, want a duplicate project attribute in b.hcl", diags)
	}
	if name, diags := ReadProject([]string{a}); name != "one" || diags.HasErrors() {
		t.Errorf("ReadProject(a.hcl) = %q, %v; want one", name, diags)
	}
	if _, diags := ReadProject([]string{a, b}); !diags.HasErrors() {
		t.Errorf("ReadProject(a.hcl, b.hcl) found no duplicate")
	}
}
