package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/internal/testenv"
	"github.com/hclsandbox/sandbox/launcher/cgroups"
)

// TestWatchRelaunchRunsWaitingChild checks that up --watch starts the
// child of a sandbox's next run while the run goes on, and that the
// relaunch after a change runs that child.
func TestWatchRelaunchRunsWaitingChild(t *testing.T) {
	bin, dir := batchSetup(t)
	mounts := testenv.MountPoints()
	app, home := watchState(t, dir, "wrw")
	writeHCL(t, dir, "w.hcl", watchedSandbox)
	wp := startWatch(t, bin, dir, "w.hcl")
	wp.await(`^run$`, 10*time.Second)
	rec := filepath.Join(home, "wt", "state.json")
	var waiting string
	deadline := time.Now().Add(5 * time.Second)
	for waiting == "" && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond) // made in the background
		waiting = waitingPid(t, rec)
	}
	if waiting == "" {
		t.Fatal("no child waits in the spare cgroup while the sandbox runs")
	}
	write(t, filepath.Join(app, "main.py"), "x")
	wp.await(`^wt \| restarted in `, 5*time.Second)
	if got := recordedPid(t, rec); got != waiting {
		t.Errorf("the relaunch runs pid %s, want %s, the child that waited for it", got, waiting)
	}
	wp.stop()
	checkNothingLeft(t, "wt", mounts)
}

// recordedPid is the pid of the run the record at path names.
func recordedPid(t *testing.T, path string) string {
	t.Helper()
	raw := readRecord(t, path)
	return string(raw["pid"])
}

// waitingPid is the pid of the child waiting in the spare cgroup the
// record at path names, or "" when there is none.
func waitingPid(t *testing.T, path string) string {
	t.Helper()
	var ref *cgroups.CgroupRef
	json.Unmarshal(readRecord(t, path)["spare_cgroup"], &ref)
	if ref == nil {
		return ""
	}
	b, _ := os.ReadFile(filepath.Join(ref.Dirs()[0], "cgroup.procs"))
	return strings.TrimSpace(string(b))
}

func readRecord(t *testing.T, path string) map[string]json.RawMessage {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatalf("record %s: %v", path, err)
	}
	return raw
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// TestWatchRapidChanges relaunches one sandbox through 100 changes that
// come faster than it stops and starts, then checks that exactly one
// sandbox runs, beside the child waiting for its next run, that the only
// cgroups are its run's and the spare made for its next run, both named
// in its record, and that the supervisor holds no more fds than before.
func TestWatchRapidChanges(t *testing.T) {
	bin, dir := batchSetup(t)
	mounts := testenv.MountPoints()
	app, home := watchState(t, dir, "wrc")
	writeHCL(t, dir, "w.hcl", strings.Replace(watchedSandbox, `"150ms"`, `"5ms"`, 1))
	wp := startWatch(t, bin, dir, "w.hcl")
	wp.await(`^run$`, 10*time.Second)
	wp.quiet(`.`, 500*time.Millisecond)
	fdsBefore := countFDs(t, wp.cmd.Process.Pid)
	for i := range 100 {
		write(t, filepath.Join(app, "main.py"), strings.Repeat("z", i))
		time.Sleep(10 * time.Millisecond)
	}
	wp.quiet(`.`, 2*time.Second) // let the last relaunch settle
	groups := sandboxCgroups("wt")
	recorded := recordedCgroups(t, filepath.Join(home, "wt", "state.json"))
	if len(groups) != len(recorded) || len(recorded) != 2 {
		t.Errorf("after 100 changes, sandbox cgroups %v; want the two its record names, the run's and the spare made for the next: %v", groups, recorded)
	}
	for _, g := range groups {
		if !recorded[filepath.Base(g)] {
			t.Errorf("after 100 changes, cgroup %s, which its record does not name (%v)", g, recorded)
		}
	}
	rec := filepath.Join(home, "wt", "state.json")
	if got, want := childPids2(wp.cmd.Process.Pid), []string{recordedPid(t, rec), waitingPid(t, rec)}; !slices.Equal(sorted(got), sorted(want)) {
		t.Errorf("after 100 changes, the supervisor's children are %v, want the sandbox and the child waiting for its next run %v", got, want)
	}
	if fds := countFDs(t, wp.cmd.Process.Pid); fds > fdsBefore {
		t.Errorf("the supervisor holds %d fds after 100 relaunches, %d before", fds, fdsBefore)
	}
	wp.stop()
	checkNothingLeft(t, "wt", mounts)
}

// recordedCgroups are the leaves of the run's cgroup and of its spare
// that the record at path names, by their base names.
func recordedCgroups(t *testing.T, path string) map[string]bool {
	t.Helper()
	var rec struct {
		Cgroup, Spare *struct{ Leaf string }
	}
	raw := readRecord(t, path)
	json.Unmarshal(raw["cgroup"], &rec.Cgroup)
	json.Unmarshal(raw["spare_cgroup"], &rec.Spare)
	out := map[string]bool{}
	for _, r := range []*struct{ Leaf string }{rec.Cgroup, rec.Spare} {
		if r != nil {
			out[filepath.Base(r.Leaf)] = true
		}
	}
	return out
}

// watchState gives the watch of a test a state root and project of its
// own (SANDBOX_RUN, SANDBOX_PROJECT), and an app directory in dir to
// watch; home is the project's state directory.
func watchState(t *testing.T, dir, project string) (app, home string) {
	t.Helper()
	run := t.TempDir()
	t.Setenv("SANDBOX_RUN", run)
	t.Setenv("SANDBOX_PROJECT", project)
	app = filepath.Join(dir, "app")
	if err := os.Mkdir(app, 0o755); err != nil {
		t.Fatal(err)
	}
	return app, filepath.Join(run, ".projects", project)
}
