package state

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/hclsandbox/sandbox/config"
)

// A for_each key may be any string: the state of job["../../d/trav"]
// lives in one escaped directory inside the state directory, and is
// listed and read under its name.
func TestStateEscapedName(t *testing.T) {
	tr := newTraversal(t)
	name := `job["../../d/trav/github.com/x"]`
	c, err := tr.state.Claim(context.Background(), Record{Name: name})
	if err != nil {
		t.Fatalf("Claim(%s) = %v", name, err)
	}
	defer c.Release()
	if got := filepath.Dir(c.Dir()); got != tr.state.Root {
		t.Errorf("state of %s is in %s, want a directory of %s", name, c.Dir(), tr.state.Root)
	}
	names, err := tr.state.Names()
	if err != nil || !slices.Equal(names, []string{name}) {
		t.Errorf("Names() = %q, %v; want [%s]", names, err, name)
	}
	if r, err := tr.state.Read(name); err != nil || r.Name != name {
		t.Errorf("Read(%s) = %+v, %v", name, r, err)
	}
	tr.untouched(t)
}

// An escaped directory whose record names another sandbox is no
// sandbox's: a record cannot claim a name its directory does not stand
// for.
func TestStateEscapedNamePlanted(t *testing.T) {
	tr := newTraversal(t)
	dir := filepath.Join(tr.state.Root, config.PathName(`job["a/b"]`))
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := (&Record{Name: `job["c/d"]`}).write(dir); err != nil {
		t.Fatal(err)
	}
	names, err := tr.state.Names()
	if err != nil || len(names) != 0 {
		t.Errorf("Names() = %q, %v; want none", names, err)
	}
}
