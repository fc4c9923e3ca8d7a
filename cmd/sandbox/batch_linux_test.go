package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/internal/testenv"
)

// batchSetup skips unless sandboxes can run with a busybox shell, and
// returns the path of the sandbox command and a directory holding a busybox
// rootfs in rootfs/.
func batchSetup(t *testing.T) (bin, dir string) {
	t.Helper()
	testenv.RequireRoot(t)
	bin, err := exec.LookPath("sandbox")
	if err != nil {
		t.Skip("the sandbox command is only on PATH under testscript.Main")
	}
	dir = t.TempDir()
	if err := testenv.MakeRootfs(filepath.Join(dir, "rootfs"), ""); err != nil {
		t.Fatal(err)
	}
	if !testenv.HasBusybox(filepath.Join(dir, "rootfs")) {
		t.Skip("needs a static busybox on the host")
	}
	return bin, dir
}

// writeHCL writes src into dir/name and returns the path.
func writeHCL(t *testing.T, dir, name, src string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// upResult is one finished `sandbox up`.
type upResult struct {
	code           int
	stdout, stderr string
	report         report
}

// runUp runs `sandbox up args...` and decodes its --json report, if any.
func runUp(t *testing.T, bin string, args ...string) upResult {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, append([]string{"up"}, args...)...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("run sandbox up: %v", err)
	}
	r := upResult{code: cmd.ProcessState.ExitCode(), stdout: stdout.String(), stderr: stderr.String()}
	if contains(args, "--json") {
		if err := json.Unmarshal(stdout.Bytes(), &r.report); err != nil {
			t.Fatalf("decode report: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
		}
	}
	return r
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkNothingLeft fails when a cgroup of a sandbox named base..., a child
// process of this test, a host mount or a state record is left.
func checkNothingLeft(t *testing.T, base, mountsBefore string) {
	t.Helper()
	for _, pattern := range []string{"/sys/fs/cgroup/*/sandbox/" + base + "*", "/sys/fs/cgroup/sandbox/" + base + "*", "/run/sandbox/*" + base + "*"} {
		if m, _ := filepath.Glob(pattern); len(m) > 0 {
			t.Errorf("left behind: %v", m)
		}
	}
	if kids := childPids(); len(kids) > 0 {
		t.Errorf("processes left behind: %v", kids)
	}
	if now := mountsOf(); now != mountsBefore {
		t.Errorf("host mounts changed:\nbefore:\n%s\nafter:\n%s", mountsBefore, now)
	}
}

func mountsOf() string {
	b, _ := os.ReadFile("/proc/self/mountinfo")
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) > 4 {
			out = append(out, f[4])
		}
	}
	return strings.Join(out, "\n")
}

// childPids lists the live children of this process.
func childPids() []string {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/self/task/%d/children", os.Getpid()))
	return strings.Fields(string(b))
}

// TestUp200 runs 200 instances of one block, each exiting with its index
// modulo 7, and checks every exit code, the batch's and the cleanup.
func TestUp200(t *testing.T) {
	bin, dir := batchSetup(t)
	mounts := mountsOf()
	hcl := writeHCL(t, dir, "many.hcl", `sandbox "bt200" {
  count   = 200
  rootfs  = "./rootfs"
  command = ["/bin/sh", "-c", "exit ${count.index % 7}"]
}
`)
	r := runUp(t, bin, "--json", hcl)
	if r.code != 1 || r.report.ExitCode != 1 {
		t.Errorf("exit code = %d, report's = %d, want 1 (bt200[1] is the first failure)\n%s", r.code, r.report.ExitCode, r.stderr)
	}
	if len(r.report.Sandboxes) != 200 {
		t.Fatalf("report has %d sandboxes, want 200", len(r.report.Sandboxes))
	}
	for i, o := range r.report.Sandboxes {
		if want := fmt.Sprintf("bt200[%d]", i); o.Name != want || o.Result != outExited || o.ExitCode != i%7 {
			t.Errorf("sandbox %d = %s %s %d, want %s exited %d", i, o.Name, o.Result, o.ExitCode, want, i%7)
		}
	}
	checkNothingLeft(t, "bt200", mounts)
}

// TestUpInterrupt interrupts 20 long sandboxes: those that ignore SIGTERM
// (pid 1 without a handler) are killed after stop_timeout, those that trap
// it end at once, and nothing is left.
func TestUpInterrupt(t *testing.T) {
	bin, dir := batchSetup(t)
	mounts := mountsOf()
	hcl := writeHCL(t, dir, "long.hcl", `sandbox "btint" {
  count        = 20
  rootfs       = "./rootfs"
  stop_timeout = "2s"
  command      = ["/bin/sh", "-c", count.index % 2 == 0 ? "echo ready; exec sleep 1000" : "trap 'exit 0' TERM; echo ready; sleep 1000 & wait"]
}
`)
	cmd, lines := startUp(t, bin, "--no-prefix", hcl)
	waitLines(t, lines, "ready", 20)
	sent := time.Now()
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	took := time.Since(sent)
	if took > 4*time.Second {
		t.Errorf("up took %s after SIGINT, want about the 2s stop_timeout", took)
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Errorf("up = %v, want exit 130", err)
	}
	checkNothingLeft(t, "btint", mounts)
}

// TestUpSecondInterruptKills checks that a second SIGINT does not wait for
// a long stop_timeout.
func TestUpSecondInterruptKills(t *testing.T) {
	bin, dir := batchSetup(t)
	mounts := mountsOf()
	hcl := writeHCL(t, dir, "long.hcl", `sandbox "bt2int" {
  count        = 3
  rootfs       = "./rootfs"
  stop_timeout = "60s"
  command      = ["/bin/sh", "-c", "echo ready; exec sleep 1000"]
}
`)
	cmd, lines := startUp(t, bin, "--no-prefix", hcl)
	waitLines(t, lines, "ready", 3)
	sent := time.Now()
	cmd.Process.Signal(syscall.SIGINT)
	time.Sleep(100 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGINT)
	cmd.Wait()
	if took := time.Since(sent); took > 3*time.Second {
		t.Errorf("up took %s after two SIGINTs, want at once", took)
	}
	checkNothingLeft(t, "bt2int", mounts)
}

// startUp starts `sandbox up` and returns a channel of its stdout lines.
func startUp(t *testing.T, bin string, args ...string) (*exec.Cmd, <-chan string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"up"}, args...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 100)
	go func() {
		s := bufio.NewScanner(out)
		for s.Scan() {
			lines <- s.Text()
		}
		close(lines)
	}()
	t.Cleanup(func() {
		// Two interrupts make up kill its sandboxes and clean up after them.
		cmd.Process.Signal(syscall.SIGINT)
		time.Sleep(50 * time.Millisecond)
		cmd.Process.Signal(syscall.SIGINT)
		cmd.Wait()
	})
	return cmd, lines
}

// waitLines waits until n lines equal to want were read.
func waitLines(t *testing.T, lines <-chan string, want string, n int) {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for seen := 0; seen < n; {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("output ended after %d of %d %q lines", seen, n, want)
			}
			if l == want {
				seen++
			}
		case <-timeout:
			t.Fatalf("saw %d of %d %q lines in 30s", seen, n, want)
		}
	}
}

// TestUpFailFast: the first failure stops the long sandbox and skips the
// one that waits for it; the exit code is the failure's own.
func TestUpFailFast(t *testing.T) {
	bin, dir := batchSetup(t)
	mounts := mountsOf()
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
	mounts := mountsOf()
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
	if o := r.report.Sandboxes[4]; o.Result != outSkipped || !strings.Contains(o.Reason, "btdep-bad did not complete") {
		t.Errorf("btdep-never = %+v, want skipped for btdep-bad", o)
	}
	checkNothingLeft(t, "btdep", mounts)
}

// TestUpChattyOutput runs 50 sandboxes that write long lines in pieces as
// fast as they can, and checks that every line comes out whole after the
// right prefix.
func TestUpChattyOutput(t *testing.T) {
	bin, dir := batchSetup(t)
	mounts := mountsOf()
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
	mounts := mountsOf()
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
	mounts := mountsOf()
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
		if !strings.Contains(l, ":/sandbox/btbudget-parent/btbudget-") {
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
