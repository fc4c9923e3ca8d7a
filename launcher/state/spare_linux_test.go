package state

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hclsandbox/sandbox/internal/testenv"
	"github.com/hclsandbox/sandbox/launcher/cgroups"
)

// testCgroup makes an empty sandbox cgroup named leaf in the host's
// memory hierarchy (v1) or its unified one (v2), and returns its ref.
func testCgroup(t *testing.T, leaf string) cgroups.CgroupRef {
	t.Helper()
	ref := cgroups.CgroupRef{Version: 2, Root: "/sys/fs/cgroup", Leaf: cgroups.CgroupParent + "/" + leaf}
	if _, err := os.Stat("/sys/fs/cgroup/cgroup.controllers"); err != nil {
		ref.Version, ref.Controllers = 1, []string{"memory"}
	}
	for _, d := range ref.Dirs() {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Skipf("cannot make a cgroup here: %v", err)
		}
		t.Cleanup(func() { os.Remove(d); os.Remove(filepath.Dir(d)) })
	}
	return ref
}

// A supervisor that died while its sandbox's record named a spare cgroup
// (made for the next run of up --watch) leaves it to gc, which removes it
// with the run's own.
func TestGCRemovesSpareCgroup(t *testing.T) {
	testenv.RequireRoot(t)
	spare := testCgroup(t, fmt.Sprintf("spare-gc-%d", os.Getpid()))
	sd := Dir{Root: t.TempDir()}
	writeOrphan(t, sd, &Record{Name: "web", SpareCgroup: &spare})
	rep, err := sd.GC(context.Background())
	if err != nil || rep.Records != 1 || rep.Cgroups != 1 {
		t.Errorf("GC() = %+v, %v; want the record and its spare cgroup removed", rep, err)
	}
	for _, d := range spare.Dirs() {
		if _, err := os.Stat(d); err == nil {
			t.Errorf("the spare cgroup %s is left", d)
		}
	}
}

// Renewing a claim carries its spare into the new record: the previous
// run's cleanup does not remove the next run's cgroup.
func TestRenewKeepsSpareCgroup(t *testing.T) {
	testenv.RequireRoot(t)
	spare := testCgroup(t, fmt.Sprintf("spare-renew-%d", os.Getpid()))
	sd := Dir{Root: t.TempDir()}
	c, err := sd.Claim(context.Background(), Record{Name: "web"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Release()
	if err := c.update(func(r *Record) { r.SpareCgroup = &spare }); err != nil {
		t.Fatal(err)
	}
	if err := c.Renew(context.Background(), Record{Name: "web"}); err != nil {
		t.Fatalf("Renew() = %v", err)
	}
	if r, err := sd.Read("web"); err != nil || r.SpareCgroup == nil || r.SpareCgroup.Leaf != spare.Leaf {
		t.Errorf("record after Renew = %+v, %v; want it to name the spare %s", r, err, spare.Leaf)
	}
	for _, d := range spare.Dirs() {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("the spare cgroup %s is gone after Renew: %v", d, err)
		}
	}
}
