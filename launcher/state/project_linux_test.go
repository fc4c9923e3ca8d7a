package state

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestProjectsKeepNamesApart claims the same name in two projects: both
// hold it at once, each project lists only its own, the root's listing
// of projects names both, and each project's directory goes with its
// last sandbox.
func TestProjectsKeepNamesApart(t *testing.T) {
	root := Dir{Root: t.TempDir()}
	one, _ := root.InProject("one")
	two, _ := root.InProject("two")
	a, err := one.Claim(context.Background(), Record{Name: "web"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := two.Claim(context.Background(), Record{Name: "web"})
	if err != nil {
		a.Release()
		t.Fatalf("the same name in another project: %v", err)
	}
	if a.Dir() == b.Dir() || a.Root() == b.Root() {
		t.Errorf("both claims are in %s (network root %s)", a.Dir(), a.Root())
	}
	if names, _ := one.Names(); len(names) != 1 || names[0] != "web" {
		t.Errorf("project one lists %v, want web", names)
	}
	if ps, _ := root.Projects(); len(ps) != 2 {
		t.Errorf("projects %v, want one and two", ps)
	}
	if got := one.Elsewhere("web"); len(got) != 1 || got[0] != "two" {
		t.Errorf("Elsewhere(web) from one = %v, want two", got)
	}
	a.Release()
	b.Release()
	if _, err := os.Stat(filepath.Join(root.Root, ProjectsDir)); !os.IsNotExist(err) {
		t.Errorf("the projects' directory after their last sandbox: %v, want it gone", err)
	}
	if _, err := root.InProject("../x"); err == nil {
		t.Errorf("InProject(../x) = no error, want one: a project name becomes a path")
	}
}

// TestDownRemovesEnded takes down a project whose sandbox ended but left
// its record and log (a dead supervisor), and a project with nothing.
func TestDownRemovesEnded(t *testing.T) {
	d, _ := Dir{Root: t.TempDir()}.InProject("p")
	dir, _ := d.Dir("job")
	os.MkdirAll(dir, 0o700)
	if err := (&Record{Name: "job", Supervisor: 1, SupervisorStart: 1}).write(dir); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, LogFile), []byte("out\n"), 0o600)
	var out, errb bytes.Buffer
	if err := d.Down(context.Background(), &out, &errb, StopOptions{Timeout: -1}); err != nil || out.String() != "job  removed\n" {
		t.Errorf("Down = %v, %q %q; want job removed", err, out.String(), errb.String())
	}
	if _, err := os.Stat(d.Home()); !os.IsNotExist(err) {
		t.Errorf("the project's directory after down: %v, want it gone", err)
	}
	out.Reset()
	if err := d.Down(context.Background(), &out, &errb, StopOptions{Timeout: -1}); err != nil || out.String() != "nothing to remove in project p\n" {
		t.Errorf("a second Down = %v, %q; want nothing to remove", err, out.String())
	}
}
