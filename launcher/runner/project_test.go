package runner

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hclsandbox/sandbox/launcher/state"
)

// TestProjectOrder: --project (or $SANDBOX_PROJECT) wins over the files'
// project attribute, which wins over the directory's name; the state is
// scoped to the project chosen, and ProjectChosen learns it.
func TestProjectOrder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "My Checkout")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(dir, "plain.hcl")
	named := filepath.Join(dir, "named.hcl")
	os.WriteFile(plain, []byte("sandbox \"x\" {\n  command = [\"/bin/true\"]\n}\n"), 0o644)
	os.WriteFile(named, []byte("project = \"named\"\n"), 0o644)
	tests := []struct {
		flag  string
		paths []string
		want  string
	}{
		{"", []string{plain}, "mycheckout"},
		{"", []string{dir}, "named"},
		{"", []string{named}, "named"},
		{"flagged", []string{named}, "flagged"},
	}
	for _, tt := range tests {
		var chosen string
		r := &Runner{State: state.Dir{Root: t.TempDir()}, Project: tt.flag, ProjectChosen: func(p string) { chosen = p },
			PrintDiags: func(d hcl.Diagnostics, _ map[string]*hcl.File) { t.Errorf("diagnostics: %v", d) }}
		d, err := r.ProjectState(tt.paths)
		if err != nil || d.Project != tt.want || chosen != tt.want {
			t.Errorf("project of %v with --project %q = %q (told %q), %v; want %q", tt.paths, tt.flag, d.Project, chosen, err, tt.want)
		}
	}
}

// TestProjectNoName: a directory whose name gives no project name is an
// error that says how to name one, not a project called "".
func TestProjectNoName(t *testing.T) {
	r := &Runner{State: state.Dir{Root: t.TempDir()}}
	if _, err := r.project([]string{"/"}, ""); err == nil {
		t.Errorf("project of / = no error, want one")
	}
	if err := CheckProject("Bad Name", "--project"); err == nil {
		t.Errorf("CheckProject(Bad Name) = nil, want an error")
	}
}
