package watch

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher/state"
)

// trustTree is a directory a sandbox can write (w), a directory it
// cannot (t), and symlinks between them.
func trustTree(t *testing.T) (w, trusted string) {
	t.Helper()
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	w, trusted = filepath.Join(base, "w"), filepath.Join(base, "t")
	for _, d := range []string{w, trusted, filepath.Join(w, "sub")} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, content := range map[string]string{"w/a.hcl": "a", "t/b.hcl": "b", "w/file": "f"} {
		if err := os.WriteFile(filepath.Join(base, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{
		"t/to-w.hcl": "../w/a.hcl",                    // a trusted name for a writable file
		"w/to-t.hcl": filepath.Join(trusted, "b.hcl"), // a writable name for a trusted file
		"t/via.hcl":  "../w/to-t.hcl",                 // a trusted name through a writable symlink
		"t/dir":      "../w/sub",                      // a trusted directory name for a writable directory
		"wlink":      "w",                             // the writable path as configured through a symlink
	} {
		if err := os.Symlink(target, filepath.Join(base, link)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Link(filepath.Join(w, "file"), filepath.Join(trusted, "hard.hcl")); err != nil {
		t.Fatal(err)
	}
	return w, trusted
}

func TestWriterOf(t *testing.T) {
	w, trusted := trustTree(t)
	base := filepath.Dir(w)
	ws := []state.Writer{{Name: "other", Paths: []string{"/nonexistent"}}, {Name: "box", Paths: []string{w}}}
	for _, tt := range []struct {
		input string
		ws    []state.Writer
		want  string // the writer, "" for none
	}{
		{filepath.Join(w, "a.hcl"), ws, "box"},
		{filepath.Join(w, "new.hcl"), ws, "box"}, // removed, or never there
		{filepath.Join(w, "sub", "deep", "x.hcl"), ws, "box"},
		{filepath.Join(trusted, "b.hcl"), ws, ""},
		{filepath.Join(trusted, "to-w.hcl"), ws, "box"},
		{filepath.Join(w, "to-t.hcl"), ws, "box"},
		{filepath.Join(trusted, "via.hcl"), ws, "box"},
		{filepath.Join(trusted, "dir", "x.hcl"), ws, "box"},
		{filepath.Join(w, "a.hcl"), []state.Writer{{Name: "linked", Paths: []string{filepath.Join(base, "wlink")}}}, "linked"},
		{filepath.Join(trusted, "hard.hcl"), []state.Writer{{Name: "filebind", Paths: []string{filepath.Join(w, "file")}}}, "filebind"},
		{filepath.Join(trusted, "b.hcl"), []state.Writer{{Name: "root", Paths: []string{"/"}}}, "root"},
		{filepath.Join(base, "w2", "a.hcl"), ws, ""}, // a sibling whose name starts alike
	} {
		got, _, _ := writerOf(tt.input, tt.ws)
		if got != tt.want {
			t.Errorf("writerOf(%s) = %q, want %q", strings.TrimPrefix(tt.input, base), got, tt.want)
		}
	}
}

func TestChangedInputs(t *testing.T) {
	before := inputs{"/c/a.hcl": "1", "/c/b.hcl": "2", "/c/gone.hcl": "3", "/c/sandbox.lock.hcl": ""}
	after := inputs{"/c/a.hcl": "1", "/c/b.hcl": "9", "/c/new.hcl": "4", "/c/sandbox.lock.hcl": "5"}
	want := []string{"/c/b.hcl", "/c/gone.hcl", "/c/new.hcl", "/c/sandbox.lock.hcl"}
	if got := changedInputs(before, after); !slices.Equal(got, want) {
		t.Errorf("changedInputs = %q, want %q", got, want)
	}
}

// The reader sees every file a load reads, and the lock file beside each
// configuration file is an input whether it exists or not.
func TestInputReader(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"a.hcl":         "variable \"x\" {\n  default = \"1\"\n}\nsandbox \"a\" {\n  command = [\"/bin/true\", var.x]\n}\n",
		"x.auto.vars":   "x = \"2\"\n",
		"other.vars":    "x = \"3\"\n",
		"unrelated.txt": "not read",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := &inputReader{read: inputs{}}
	_, diags := config.LoadWith([]string{dir}, config.Options{ReadFile: r.readFile, VarFiles: []string{filepath.Join(dir, "other.vars")}})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	r.addLocks()
	var got []string
	for name := range r.read {
		got = append(got, filepath.Base(name))
	}
	slices.Sort(got)
	if want := []string{"a.hcl", "other.vars", "sandbox.lock.hcl", "x.auto.vars"}; !slices.Equal(got, want) {
		t.Errorf("inputs read = %q, want %q", got, want)
	}
	if d := r.read[filepath.Join(dir, "a.hcl")]; d != fileDigest(filepath.Join(dir, "a.hcl")) || d == "" {
		t.Errorf("digest of a.hcl = %q, want the digest of its content", d)
	}
}
