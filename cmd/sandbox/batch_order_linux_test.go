package main

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/internal/testenv"
	"github.com/hclsandbox/sandbox/launcher/report"
)

// TestUpFailFast: the first failure stops the long sandbox and skips the
// one that waits for it; the exit code is the failure's own.
func TestUpFailFast(t *testing.T) {
	bin, dir := batchSetup(t)
	mounts := testenv.MountPoints()
	hcl := writeHCL(t, dir, "ff.hcl", `sandbox "btff-long" {
  rootfs       = "./rootfs"
  stop_timeout = "1s"
  command      = ["/bin/sleep", "1000"]
}
sandbox "btff-bad" {
  rootfs  = "./rootfs"
  command = ["/bin/sh", "-c", "sleep 0.3; exit 4"]
}
sandbox "btff-after" {
  rootfs     = "./rootfs"
  command    = ["/bin/true"]
  depends_on = { "btff-long" = "completed" }
}
`)
	start := time.Now()
	r := runUp(t, bin, "--json", "--fail-fast", hcl)
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("up --fail-fast took %s", took)
	}
	if r.code != 4 {
		t.Errorf("exit code = %d, want 4\n%s", r.code, r.stderr)
	}
	want := []string{"btff-long killed 137 stopped", "btff-bad exited 4", "btff-after skipped 125"}
	for i, o := range r.report.Sandboxes {
		got := fmt.Sprintf("%s %s %d", o.Name, o.Result, o.ExitCode)
		if o.Stopped {
			got += " stopped"
		}
		if got != want[i] {
			t.Errorf("sandbox %d: %q, want %q", i, got, want[i])
		}
	}
	checkNothingLeft(t, "btff", mounts)
}

// TestUpDependsOn: a dependent starts after its dependency completed, and
// is skipped when it failed.
func TestUpDependsOn(t *testing.T) {
	bin, dir := batchSetup(t)
	mounts := testenv.MountPoints()
	hcl := writeHCL(t, dir, "deps.hcl", `sandbox "btdep-app" {
  rootfs     = "./rootfs"
  command    = ["/bin/echo", "app runs"]
  depends_on = { "btdep-db" = "completed", "btdep-cache" = "started" }
}
sandbox "btdep-db" {
  rootfs  = "./rootfs"
  command = ["/bin/sh", "-c", "sleep 0.3; echo db done"]
}
sandbox "btdep-cache" {
  rootfs  = "./rootfs"
  command = ["/bin/sh", "-c", "echo cache up; sleep 0.5"]
}
sandbox "btdep-bad" {
  rootfs  = "./rootfs"
  command = ["/bin/sh", "-c", "exit 2"]
}
sandbox "btdep-never" {
  rootfs     = "./rootfs"
  command    = ["/bin/echo", "must not run"]
  depends_on = { "btdep-bad" = "completed" }
}
`)
	r := runUp(t, bin, "--json", "--no-prefix", hcl)
	if r.code != 2 {
		t.Errorf("exit code = %d, want 2\n%s", r.code, r.stderr)
	}
	order := regexp.MustCompile(`(?s)db done.*app runs`)
	if !order.MatchString(r.stderr) {
		t.Errorf("app did not run after db completed; output:\n%s", r.stderr)
	}
	if strings.Contains(r.stderr, "must not run") {
		t.Errorf("a dependent of a failed sandbox ran")
	}
	if o := r.report.Sandboxes[4]; o.Result != report.Skipped || !strings.Contains(o.Reason, "btdep-bad did not complete") {
		t.Errorf("btdep-never = %+v, want skipped for btdep-bad", o)
	}
	checkNothingLeft(t, "btdep", mounts)
}

// TestUpChattyOutput runs 50 sandboxes that write long lines in pieces as
// fast as they can, and checks that every line comes out whole after the
// right prefix.
func TestUpChattyOutput(t *testing.T) {
	bin, dir := batchSetup(t)
	mounts := testenv.MountPoints()
	const lines = 200
	hcl := writeHCL(t, dir, "chatty.hcl", fmt.Sprintf(`sandbox "btchat" {
  count   = 50
  rootfs  = "./rootfs"
  command = ["/bin/sh", "-c", <<-EOT
    i=0
    while [ $i -lt %d ]; do
      printf 'chatty-${count.index}-%%d-' $i
      printf '%s'
      echo '-end'
      i=$((i+1))
    done
  EOT
  ]
}
`, lines, strings.Repeat("x", 300)))
	r := runUp(t, bin, hcl)
	if r.code != 0 {
		t.Fatalf("exit code = %d\n%s", r.code, r.stderr)
	}
	line := regexp.MustCompile(`^btchat\[(\d+)\] *\| chatty-(\d+)-\d+-x{300}-end$`)
	got := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(got) != 50*lines {
		t.Errorf("got %d lines, want %d", len(got), 50*lines)
	}
	for _, l := range got {
		m := line.FindStringSubmatch(l)
		if m == nil || m[1] != m[2] {
			t.Fatalf("line broken or under the wrong prefix: %.120q", l)
		}
	}
	checkNothingLeft(t, "btchat", mounts)
}

// TestUpParallel: with --parallel 2, six sandboxes of 0.3s take at least
// three rounds.
func TestUpParallel(t *testing.T) {
	bin, dir := batchSetup(t)
	mounts := testenv.MountPoints()
	hcl := writeHCL(t, dir, "par.hcl", `sandbox "btpar" {
  count   = 6
  rootfs  = "./rootfs"
  command = ["/bin/sleep", "0.3"]
}
`)
	start := time.Now()
	r := runUp(t, bin, "--parallel", "2", hcl)
	took := time.Since(start)
	if r.code != 0 {
		t.Fatalf("exit code = %d\n%s", r.code, r.stderr)
	}
	if took < 900*time.Millisecond {
		t.Errorf("up --parallel 2 of 6 × 0.3s took %s, want at least 0.9s", took)
	}
	checkNothingLeft(t, "btpar", mounts)
}

// TestUpBatchBudget: batch { limits } and --cgroup-parent put every
// sandbox's cgroup under one capped parent, removed at the end.
func TestUpBatchBudget(t *testing.T) {
	bin, dir := batchSetup(t)
	// The pids hierarchy, and how its line in /proc/self/cgroup starts.
	pidsRoot, pidsLine := "/sys/fs/cgroup/pids", ":pids:"
	if _, err := os.Stat(pidsRoot + "/cgroup.procs"); err != nil {
		pidsRoot, pidsLine = "/sys/fs/cgroup", "0::"
		if b, _ := os.ReadFile(pidsRoot + "/cgroup.controllers"); !slices.Contains(strings.Fields(string(b)), "pids") {
			t.Skip("needs the pids controller, of cgroup v1 or v2")
		}
	}
	mounts := testenv.MountPoints()
	hcl := writeHCL(t, dir, "budget.hcl", `batch {
  limits {
    pids = 40
  }
}
sandbox "btbudget" {
  count      = 3
  rootfs     = "./rootfs"
  namespaces = ["uts", "pid", "mount", "ipc", "net"]
  command    = ["/bin/sh", "-c", "cat /proc/self/cgroup; echo ready; sleep 1"]
}
`)
	cmd, lines := startUp(t, bin, "--no-prefix", "--cgroup-parent", "btbudget-parent", hcl)
	var seen []string
	for len(seen) < 3 {
		l, ok := <-lines
		if !ok {
			t.Fatalf("output ended early")
		}
		if strings.Contains(l, pidsLine) {
			seen = append(seen, l)
		}
	}
	for _, l := range seen {
		if !strings.Contains(l, ":/sandbox/btbudget-parent/") || !strings.Contains(l, ".btbudget-") {
			t.Errorf("sandbox cgroup %q, want one under sandbox/btbudget-parent", l)
		}
	}
	b, err := os.ReadFile(pidsRoot + "/sandbox/btbudget-parent/pids.max")
	if err != nil || strings.TrimSpace(string(b)) != "40" {
		t.Errorf("batch pids.max = %q, %v; want 40", b, err)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("up = %v", err)
	}
	checkNothingLeft(t, "btbudget", mounts)
}
