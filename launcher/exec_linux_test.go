package launcher

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	procfs "github.com/hclsandbox/sandbox/internal/proc"

	"github.com/hclsandbox/sandbox/launcher/state"
)

// TestExecJoinsTheSandbox runs a command with Exec in a running sandbox and
// checks that it sees what the sandbox sees, not the host.
func TestExecJoinsTheSandbox(t *testing.T) {
	s := shellSandbox(t, "sleep 30")
	s.Hostname = "inside"
	canary := filepath.Join(t.TempDir(), "canary")
	os.WriteFile(canary, nil, 0o600)
	sd := state.Dir{Root: t.TempDir()}
	plan := NewPlan(s, probeTestHost())
	claim, err := Claim(context.Background(), sd, plan, false)
	if err != nil {
		t.Fatal(err)
	}
	defer claim.Release()
	proc, res, err := startUnder(plan, Stdio{}, claim)
	if err != nil || res != nil {
		t.Fatalf("StartClaimed = %v, %v", res, err)
	}
	defer func() { proc.Signal(syscall.SIGKILL); proc.Wait() }()

	out := execOutput(t, sd, s.Name, `hostname; busybox readlink /proc/self/ns/pid; busybox readlink /proc/self/ns/mnt
[ -e /probe ] && echo rootfs; [ -e `+canary+` ] && echo canary
cat /proc/self/cgroup; busybox grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status`)
	target := procfs.Children(proc.Pid())
	if len(target) != 1 {
		t.Fatalf("the init has children %v, want only the target", target)
	}
	want := []string{"inside", nsLink(t, proc.Pid(), "pid"), nsLink(t, proc.Pid(), "mnt"), "rootfs"}
	if got := out[:min(4, len(out))]; strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("exec'd command saw\n%q\nwant\n%q", got, want)
	}
	if hostPid := nsLink(t, os.Getpid(), "pid"); want[1] == hostPid {
		t.Errorf("the sandbox shares the host's pid namespace %s", hostPid)
	}
	compared := 0
	for _, line := range out[4:] {
		if strings.Contains(line, ":\t") {
			compared++
		}
		switch {
		case line == "canary":
			t.Errorf("exec'd command sees the host file %s", canary)
		case strings.Contains(line, ":/") && !strings.HasSuffix(line, ":/"):
			t.Errorf("exec'd command is outside the sandbox's cgroup: %q", line)
		case strings.Contains(line, ":\t") && line != statusLine(t, target[0], line):
			t.Errorf("exec'd command has %q, the sandbox's command %q", line, statusLine(t, target[0], line))
		}
	}
	if compared != 3 {
		t.Errorf("compared %d of CapEff, NoNewPrivs, Seccomp; output:\n%s", compared, strings.Join(out, "\n"))
	}
}

// execOutput runs script with sh -c in the sandbox name and returns its lines.
func execOutput(t *testing.T, sd state.Dir, name, script string) []string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	req := ExecRequest{Args: []string{"/bin/sh", "-c", script}, Stdout: w, Stderr: os.Stderr}
	code, err := execWait(sd, name, req)
	w.Close()
	if err != nil || code != 0 {
		t.Fatalf("Exec = %d, %v", code, err)
	}
	b, _ := io.ReadAll(r)
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

// execWait runs req in the sandbox name and waits for its exit code.
func execWait(sd state.Dir, name string, req ExecRequest) (int, error) {
	x, err := Exec(sd, name, req)
	if err != nil {
		return 0, err
	}
	return x.Wait(nil)
}

func nsLink(t *testing.T, pid int, ns string) string {
	t.Helper()
	l, err := os.Readlink(filepath.Join("/proc", itoa(pid), "ns", ns))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// statusLine is the line of /proc/<pid>/status with the same key as line.
func statusLine(t *testing.T, pid int, line string) string {
	key, _, _ := strings.Cut(line, ":")
	b, _ := os.ReadFile(filepath.Join("/proc", itoa(pid), "status"))
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, key+":") {
			return l
		}
	}
	return ""
}

func itoa(n int) string { return strconv.Itoa(n) }
