package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/internal/testenv"
)

// TestWatchOwnWrites checks that a sandbox writing into its watched
// directory through a writable mount does not relaunch itself.
func TestWatchOwnWrites(t *testing.T) {
	bin, dir := batchSetup(t)
	mounts := testenv.MountPoints()
	os.Mkdir(filepath.Join(dir, "app"), 0o755)
	writeHCL(t, dir, "w.hcl", `sandbox "wown" {
  rootfs       = "./rootfs"
  command      = ["/bin/sh", "-c", "echo run; while :; do date >> /app/out.txt; sleep 0.1; done"]
  stop_timeout = "2s"
  mount {
    type   = "bind"
    source = "./app"
    target = "/app"
  }
  watch {
    paths    = ["./app"]
    debounce = "50ms"
  }
}
`)
	wp := startWatch(t, bin, dir, "w.hcl")
	wp.await(`^run$`, 10*time.Second)
	if got := wp.quiet(`change in|^run$`, 1500*time.Millisecond); len(got) > 0 {
		t.Errorf("the sandbox's own writes relaunched it: %q", got)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "app", "out.txt")); len(b) == 0 {
		t.Error("the sandbox wrote nothing into its mount; the test proves nothing")
	}
	wp.stop()
	checkNothingLeft(t, "wown", mounts)
}

// TestWatchConfigDir adds a file to a configuration directory under
// up --watch: its sandbox starts.
func TestWatchConfigDir(t *testing.T) {
	bin, dir := batchSetup(t)
	mounts := testenv.MountPoints()
	writeHCL(t, dir, "a.hcl", `sandbox "wda" {
  rootfs  = "./rootfs"
  command = ["/bin/sh", "-c", "echo from-a; exec sleep 1000"]
}
`)
	wp := startWatch(t, bin, dir, ".")
	wp.await(`from-a$`, 10*time.Second)
	writeHCL(t, dir, "b.hcl", `sandbox "wdb" {
  rootfs  = "./rootfs"
  command = ["/bin/sh", "-c", "echo from-b; exec sleep 1000"]
}
`)
	wp.await(`wdb \| added → started`, 5*time.Second)
	wp.stop()
	checkNothingLeft(t, "wd", mounts)
}

// TestWatchDependsOnAndBudget checks that under --watch depends_on orders
// first starts ("completed" waits for exit 0, a failed one skips its
// dependents) and that a batch { limits } budget holds every sandbox.
func TestWatchDependsOnAndBudget(t *testing.T) {
	bin, dir := batchSetup(t)
	mounts := testenv.MountPoints()
	writeHCL(t, dir, "d.hcl", `
batch {
  limits {
    pids = 200
  }
}
sandbox "wdapp" {
  rootfs     = "./rootfs"
  command    = ["/bin/sh", "-c", "echo app-start; exec sleep 1000"]
  depends_on = { wdsetup = "completed" }
}
sandbox "wdsetup" {
  rootfs  = "./rootfs"
  command = ["/bin/sh", "-c", "sleep 0.3; echo setup-done"]
}
sandbox "wdbad" {
  rootfs  = "./rootfs"
  command = ["/bin/sh", "-c", "exit 3"]
}
sandbox "wdskip" {
  rootfs     = "./rootfs"
  command    = ["/bin/sh", "-c", "echo skipped-ran"]
  depends_on = { wdbad = "completed" }
}
`)
	wp := startWatch(t, bin, dir, "d.hcl")
	wp.await(`app-start`, 10*time.Second)
	wp.quiet(`.`, 300*time.Millisecond)
	out := strings.Join(wp.seen, "\n")
	if i, j := strings.Index(out, "setup-done"), strings.Index(out, "app-start"); i < 0 || i > j {
		t.Errorf("wdapp started before wdsetup completed:\n%s", out)
	}
	if !strings.Contains(out, "wdskip  | skipped: wdbad failed") || strings.Contains(out, "skipped-ran") {
		t.Errorf("wdskip was not skipped after wdbad failed:\n%s", out)
	}
	// The budget's cgroup: in the pids hierarchy on v1, in the unified tree on v2.
	budgets, _ := filepath.Glob("/sys/fs/cgroup/pids/sandbox/batch-*")
	if len(budgets) == 0 {
		budgets, _ = filepath.Glob("/sys/fs/cgroup/sandbox/batch-*")
	}
	if len(budgets) != 1 {
		t.Fatalf("batch cgroups %v, want one", budgets)
	}
	if b, err := os.ReadFile(filepath.Join(budgets[0], "pids.max")); err != nil || strings.TrimSpace(string(b)) != "200" {
		t.Errorf("the budget's pids.max = %q, %v; want 200", b, err)
	}
	if apps, _ := filepath.Glob(filepath.Join(budgets[0], "*.wdapp-*")); len(apps) != 1 {
		t.Errorf("wdapp's cgroup is not under the budget %s: %v", budgets[0], apps)
	}
	wp.stop()
	checkNothingLeft(t, "wd", mounts)
	if m, _ := filepath.Glob("/sys/fs/cgroup/*/sandbox/batch-*"); len(m) > 0 {
		t.Errorf("the budget is left behind: %v", m)
	}
}

// TestWatchSettingsEditNoRelaunch edits only a sandbox's watch block: the
// sandbox keeps running, and the new paths, not the old, relaunch it.
func TestWatchSettingsEditNoRelaunch(t *testing.T) {
	bin, dir := batchSetup(t)
	mounts := testenv.MountPoints()
	for _, d := range []string{"old", "new"} {
		os.Mkdir(filepath.Join(dir, d), 0o755)
	}
	block := func(path string) string {
		return `sandbox "ws" {
  rootfs       = "./rootfs"
  command      = ["/bin/sh", "-c", "echo run; exec sleep 1000"]
  stop_timeout = "2s"
  watch {
    paths    = ["./` + path + `"]
    debounce = "50ms"
  }
}
`
	}
	hcl := writeHCL(t, dir, "s.hcl", block("old"))
	wp := startWatch(t, bin, dir, "s.hcl")
	wp.await(`^run$`, 10*time.Second)
	write(t, hcl, block("new"))
	if got := wp.quiet(`restarting|^run$`, time.Second); len(got) > 0 {
		t.Errorf("an edit of the watch block alone relaunched the sandbox: %q", got)
	}
	write(t, filepath.Join(dir, "old", "x"), "1")
	if got := wp.quiet(`restarting|^run$`, 500*time.Millisecond); len(got) > 0 {
		t.Errorf("a change under the old watch path relaunched the sandbox: %q", got)
	}
	write(t, filepath.Join(dir, "new", "x"), "1")
	wp.await(`^ws \| change in .*new/x → restarting$`, 5*time.Second)
	wp.await(`^run$`, 5*time.Second)
	wp.stop()
	checkNothingLeft(t, "ws", mounts)
}
