package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/internal/proc"
	"github.com/hclsandbox/sandbox/internal/testenv"
)

// TestWatchRelaunchKeepsClaim: a relaunch renews the sandbox's claim
// rather than releasing it and claiming again. Its lock file stays the
// same file, never unlinked, so the name is never free between the two
// runs; the record names the new run's first process, and the old one
// is gone; the record's plan digest is the plan's, unchanged by a file's
// change and the new one after an edit. A sandbox whose run ends with no relaunch to follow (here
// after its restart policy's last restart) releases its name.
func TestWatchRelaunchKeepsClaim(t *testing.T) {
	bin, dir := batchSetup(t)
	mounts := testenv.MountPoints()
	app, home := watchState(t, dir, "wkp")
	exiting := `
sandbox "wkx" {
  rootfs       = "./rootfs"
  command      = ["/bin/sh", "-c", "exit 3"]
  restart      = "on-failure"
  max_restarts = 1
}
`
	writeHCL(t, dir, "w.hcl", strings.Replace(watchedSandbox, `"wt"`, `"wk"`, 1)+exiting)
	wp := startWatch(t, bin, dir, "w.hcl")
	wp.await(`^wk +\| run$`, 10*time.Second)
	wp.await(`^wkx +\| exited with 3$`, 10*time.Second)
	if _, err := os.Stat(filepath.Join(home, "wkx", "state.json")); !os.IsNotExist(err) {
		t.Errorf("wkx ended for good and its record is still there (%v)", err)
	}

	lock, err := os.Open(filepath.Join(home, "wk", "lock"))
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	before := readPid(t, filepath.Join(home, "wk", "state.json"))
	write(t, filepath.Join(app, "main.py"), "x")
	wp.await(`^wk +\| restarted in `, 5*time.Second) // once the new run's record names it

	var st syscall.Stat_t
	if err := syscall.Fstat(int(lock.Fd()), &st); err != nil || st.Nlink != 1 {
		t.Errorf("the relaunch unlinked the name's lock file (links %d, %v): the name was free for a moment", st.Nlink, err)
	}
	after := readPid(t, filepath.Join(home, "wk", "state.json"))
	if after.Pid == before.Pid || !proc.SameProcess(after.Pid, after.PidStart) {
		t.Errorf("after the relaunch the record names pid %d (before: %d), want the new run's live first process", after.Pid, before.Pid)
	}
	if proc.SameProcess(before.Pid, before.PidStart) {
		t.Errorf("the previous run's first process %d still runs", before.Pid)
	}
	if after.PlanDigest != before.PlanDigest || after.PlanDigest == "" {
		t.Errorf("a watched file's change changed the record's plan digest: %q, then %q", before.PlanDigest, after.PlanDigest)
	}

	// An edit relaunches with the new plan, whose digest the record gets.
	writeHCL(t, dir, "w.hcl", strings.Replace(strings.Replace(watchedSandbox, `"wt"`, `"wk"`, 1), "echo run", "echo edited", 1)+exiting)
	wp.await(`^wk +\| configuration changed → restarting$`, 5*time.Second)
	wp.await(`^wk +\| restarted in `, 5*time.Second)
	edited := readPid(t, filepath.Join(home, "wk", "state.json"))
	if edited.PlanDigest == after.PlanDigest || edited.Pid == after.Pid {
		t.Errorf("after an edit the record names pid %d and plan %q, before it %d and %q: want a new run of the new plan",
			edited.Pid, edited.PlanDigest, after.Pid, after.PlanDigest)
	}
	wp.stop()
	if m, _ := filepath.Glob(filepath.Join(home, "*", "state.json")); len(m) > 0 {
		t.Errorf("records left after up --watch ended: %v", m)
	}
	checkNothingLeft(t, "wk", mounts)
}

// recordPid is the first process a record names, and its plan.
type recordPid struct {
	Pid        int    `json:"pid"`
	PidStart   uint64 `json:"pid_start"`
	PlanDigest string `json:"plan_digest"`
}

func readPid(t *testing.T, path string) recordPid {
	t.Helper()
	var r recordPid
	b, err := os.ReadFile(path)
	if err == nil {
		err = json.Unmarshal(b, &r)
	}
	if err != nil {
		t.Fatalf("read record %s: %v", path, err)
	}
	return r
}
