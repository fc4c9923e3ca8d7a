package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/internal/testenv"
	"github.com/hclsandbox/sandbox/launcher/report"
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
	testenv.RequireBusybox(t, filepath.Join(dir, "rootfs"))
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
	report         report.Report
}

// runUp runs `sandbox up args...` and decodes its --json report, if any.
func runUp(t *testing.T, bin string, args ...string) upResult {
	t.Helper()
	var r upResult
	r.code, r.stdout, r.stderr = runCommand(t, &r.report, bin, "up", args...)
	return r
}

// runCommand runs `sandbox verb args...` and returns its exit code and
// output; with --json among args it decodes stdout into report.
func runCommand(t *testing.T, report any, bin, verb string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := exec.Command(bin, append([]string{verb}, args...)...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("run sandbox %s: %v", verb, err)
	}
	if contains(args, "--json") {
		if err := json.Unmarshal(out.Bytes(), report); err != nil {
			t.Fatalf("decode report: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errOut.String())
		}
	}
	return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// globDirs are the directories that match pattern: cgroups, not the
// files of their parent.
func globDirs(pattern string) []string {
	m, _ := filepath.Glob(pattern)
	return slices.DeleteFunc(m, func(p string) bool {
		st, err := os.Stat(p)
		return err != nil || !st.IsDir()
	})
}

// checkNothingLeft fails when a cgroup of a sandbox named base..., a child
// process of this test, a host mount or a state record is left.
func checkNothingLeft(t *testing.T, base, mountsBefore string) {
	t.Helper()
	for _, pattern := range []string{"/sys/fs/cgroup/*/sandbox/" + base + "*", "/sys/fs/cgroup/*/sandbox/*." + base + "*",
		"/sys/fs/cgroup/sandbox/" + base + "*", "/sys/fs/cgroup/sandbox/*." + base + "*",
		"/run/sandbox/*" + base + "*", "/run/sandbox/.projects/*/*" + base + "*"} {
		if m := globDirs(pattern); len(m) > 0 {
			t.Errorf("left behind: %v", m)
		}
	}
	if kids := childPids(); len(kids) > 0 {
		t.Errorf("processes left behind: %v", kids)
	}
	if now := testenv.MountPoints(); now != mountsBefore {
		t.Errorf("host mounts changed:\nbefore:\n%s\nafter:\n%s", mountsBefore, now)
	}
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
	mounts := testenv.MountPoints()
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
		if want := fmt.Sprintf("bt200[%d]", i); o.Name != want || o.Result != report.Exited || o.ExitCode != i%7 {
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
	mounts := testenv.MountPoints()
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
	mounts := testenv.MountPoints()
	hcl := writeHCL(t, dir, "long.hcl", `sandbox "bt2int" {
  count        = 3
  rootfs       = "./rootfs"
  stop_timeout = "60s"
  command      = ["/bin/sh", "-c", "echo ready; exec sleep 1000"]
}
`)
	cmd, lines, stderr := startUpStderr(t, bin, "--no-prefix", hcl)
	waitLines(t, lines, "ready", 3)
	sent := time.Now()
	cmd.Process.Signal(syscall.SIGINT)
	time.Sleep(100 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGINT)
	cmd.Wait()
	if took := time.Since(sent); took > 3*time.Second {
		t.Errorf("up took %s after two SIGINTs, want at once", took)
	}
	// The first one said what the stop waits for, and how to cut it short.
	if want := "sandbox: stopping bt2int[1]: SIGTERM, SIGKILL in 1m0s (Ctrl-C again to kill now)\n"; !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr:\n%s\nwant the line %q", stderr.String(), want)
	}
	checkNothingLeft(t, "bt2int", mounts)
}

// startUp starts `sandbox up` and returns a channel of its stdout lines.
func startUp(t *testing.T, bin string, args ...string) (*exec.Cmd, <-chan string) {
	t.Helper()
	cmd, lines, _ := startUpStderr(t, bin, args...)
	return cmd, lines
}

// startUpStderr is startUp that also keeps what up prints on stderr,
// to read once it has ended.
func startUpStderr(t *testing.T, bin string, args ...string) (*exec.Cmd, <-chan string, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"up"}, args...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &bytes.Buffer{}
	cmd.Stderr = io.MultiWriter(os.Stderr, stderr)
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
	return cmd, lines, stderr
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
