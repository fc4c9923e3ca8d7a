package launcher

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/launcher/state"
	"golang.org/x/sys/unix"
)

// shellPlan is st's sandbox running script under sh, which gets an init.
func (st *spareTest) shellPlan(script string) *Plan {
	s := *st.s
	s.Command = []string{"/bin/sh", "-c", script}
	p := NewPlan(&s, probeTestHost())
	if !p.Spec.Init {
		st.t.Fatal("a shell command runs without an init")
	}
	return p
}

// waitingPid prepares the spare for p with stdio and returns the pid of
// the child waiting in it.
func (st *spareTest) waitingPid(p *Plan, stdio Stdio) int {
	st.t.Helper()
	if err := PrepareSpare(p, st.claim, stdio); err != nil {
		st.t.Fatalf("PrepareSpare() = %v", err)
	}
	rec := st.record()
	if rec.SpareCgroup == nil {
		st.t.Fatal("the record names no spare cgroup")
	}
	b, err := os.ReadFile(filepath.Join(rec.SpareCgroup.Dirs()[0], "cgroup.procs"))
	if err != nil {
		st.t.Fatal(err)
	}
	pids := strings.Fields(string(b))
	if len(pids) != 1 {
		st.t.Fatalf("the spare cgroup holds %q, want the one waiting child", pids)
	}
	pid, _ := strconv.Atoi(pids[0])
	return pid
}

// relaunch renews the claim for p and starts it with stdio.
func (st *spareTest) relaunch(p *Plan, stdio Stdio) *Process {
	st.t.Helper()
	if err := Renew(context.Background(), st.claim, p, false, ""); err != nil {
		st.t.Fatalf("Renew() = %v", err)
	}
	proc, res, err := startUnder(p, stdio, st.claim)
	if err != nil || res != nil {
		st.t.Fatalf("Start() = %v, %v", res, err)
	}
	return proc
}

// ended fails unless pid has ended and been reaped, and no exec socket
// of a waiting child is left.
func (st *spareTest) ended(pid int, what string) {
	st.t.Helper()
	if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); err == nil {
		st.t.Errorf("%s: the waiting child %d is still there", what, pid)
	}
	if _, err := os.Stat(filepath.Join(st.claim.Dir(), state.ExecSocketNext)); err == nil {
		st.t.Errorf("%s: %s is left", what, state.ExecSocketNext)
	}
}

// A relaunch of the plan with the stdio a child was started for runs
// that child: the run's process is the one that waited, its output
// reaches the stdio, and its init serves exec requests on the sandbox's
// exec socket.
func TestRelaunchRunsWaitingChild(t *testing.T) {
	st := newSpareTest(t)
	st.run(st.plan, false)
	p := st.shellPlan("echo hello; exec sleep 60")
	out := &lockedBuffer{}
	stdio := Stdio{Stdout: out, Stderr: out}
	waiting := st.waitingPid(p, stdio)
	proc := st.relaunch(p, stdio)
	defer func() {
		proc.Signal(syscall.SIGKILL)
		proc.Wait()
	}()
	if proc.Pid() != waiting {
		t.Errorf("the relaunch runs pid %d, want the waiting child %d", proc.Pid(), waiting)
	}
	code, err := execWait(st.sd, p.Name, ExecRequest{Args: []string{"/bin/true"}})
	if err != nil || code != 0 {
		t.Errorf("exec in the relaunched sandbox = %d, %v; want 0", code, err)
	}
	for deadline := time.Now().Add(10 * time.Second); out.String() != "hello\n"; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the relaunch wrote %q to its stdio, want \"hello\\n\"", out.String())
		}
	}
}

// A relaunch of another plan, or with other streams, does not run the
// waiting child: it ends, and the run gets a child of its own.
func TestWaitingChildForOtherRunDiscarded(t *testing.T) {
	for _, tc := range []struct {
		name        string
		otherPlan   bool
		otherStdout bool
	}{{"other plan", true, false}, {"other stdio", false, true}} {
		t.Run(tc.name, func(t *testing.T) {
			st := newSpareTest(t)
			st.run(st.plan, false)
			p := st.shellPlan("echo hello")
			var out, other bytes.Buffer
			waiting := st.waitingPid(p, Stdio{Stdout: &out})
			run, stdio := p, Stdio{Stdout: &out}
			if tc.otherPlan {
				run = st.shellPlan("echo other")
			}
			if tc.otherStdout {
				stdio = Stdio{Stdout: &other}
			}
			proc := st.relaunch(run, stdio)
			if proc.Pid() == waiting {
				t.Errorf("the relaunch runs the child that waited for another run")
			}
			if res := proc.Wait(); res.ExitCode != 0 {
				t.Errorf("the relaunch ended %s", res.Describe())
			}
			st.ended(waiting, "after a relaunch it did not fit")
			if got := out.String() + other.String(); got != "hello\n" && got != "other\n" {
				t.Errorf("the relaunch wrote %q", got)
			}
		})
	}
}

// A waiting child that was killed is replaced: the relaunch starts.
func TestKilledWaitingChildReplaced(t *testing.T) {
	st := newSpareTest(t)
	st.run(st.plan, false)
	p := st.shellPlan("echo hello")
	var out bytes.Buffer
	stdio := Stdio{Stdout: &out}
	waiting := st.waitingPid(p, stdio)
	if err := syscall.Kill(waiting, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	var info unix.Siginfo // until it has died, left for its parent to reap
	if err := unix.Waitid(unix.P_PID, waiting, &info, unix.WEXITED|unix.WNOWAIT, nil); err != nil {
		t.Fatal(err)
	}
	proc := st.relaunch(p, stdio)
	if res := proc.Wait(); res.ExitCode != 0 || out.String() != "hello\n" {
		t.Errorf("the relaunch after its waiting child was killed ended %s with %q", res.Describe(), out.String())
	}
	st.ended(waiting, "after the relaunch")
}

// Releasing the claim ends the waiting child, reaped, with its exec
// socket and cgroup.
func TestReleaseEndsWaitingChild(t *testing.T) {
	st := newSpareTest(t)
	st.run(st.plan, false)
	p := st.shellPlan("echo hello")
	waiting := st.waitingPid(p, Stdio{})
	spare := st.record().SpareCgroup.Leaf
	if _, err := os.Stat(filepath.Join(st.claim.Dir(), state.ExecSocketNext)); err != nil {
		t.Errorf("the waiting init has no exec socket: %v", err)
	}
	if err := st.claim.Release(); err != nil {
		t.Fatal(err)
	}
	st.ended(waiting, "after Release")
	st.gone(spare, "after Release")
}

// A sandbox that shares the host's pid namespace sees the waiting child,
// which runs as root in a copy of the host's mount namespace until its
// run. Its payload must not reach the host through it: the child's
// root, environment and descriptors (fd 3, its spec pipe) are refused
// to a payload without CAP_SYS_PTRACE, because the child keeps every
// capability until its run (ptrace's rules). With SYS_PTRACE, which
// lets a sandbox trace the host's processes anyway, the same probe gets
// through: the attack is real, and only the capabilities stop it.
func TestWaitingChildRefusedToPayload(t *testing.T) {
	st := newSpareTest(t)
	w := st.waitingPid(st.shellPlan("echo hello"), Stdio{})
	probe := fmt.Sprintf(`ls /proc/%[1]d/root/ >/dev/null && echo root-read
cat /proc/%[1]d/environ >/dev/null && echo environ-read
readlink /proc/%[1]d/fd/3 >/dev/null && echo fds-read
true`, w)
	for _, ptrace := range []bool{false, true} {
		s := *st.s
		s.Name = "attacker"
		s.Command = []string{"/bin/sh", "-c", probe}
		s.Namespaces = slices.DeleteFunc(slices.Clone(s.Namespaces), func(ns string) bool { return ns == "pid" })
		if ptrace {
			s.Security.CapAdd = []string{"CAP_SYS_PTRACE"}
		}
		out, res := runPlan(t, NewPlan(&s, probeTestHost()))
		if res.ExitCode != 0 {
			t.Fatalf("ptrace %v: the probe ended %s", ptrace, res.Describe())
		}
		got := strings.Fields(out)
		switch {
		case !ptrace && len(got) > 0:
			t.Errorf("a payload without SYS_PTRACE read the waiting child's %q", got)
		case ptrace && !slices.Equal(got, []string{"root-read", "environ-read", "fds-read"}):
			t.Errorf("with SYS_PTRACE the probe read %q of the waiting child, want all three: the probe does not attack", got)
		}
	}
}

// A waiting child whose run fails its setup (a command that is not
// there) reports it as a fresh child would, and leaves nothing behind:
// its process reaped, its cgroup removed.
func TestWaitingChildFailedSetupLeavesNothing(t *testing.T) {
	st := newSpareTest(t)
	st.run(st.plan, false)
	s := *st.s
	s.Command = []string{"/no/such/command"}
	p := NewPlan(&s, probeTestHost())
	waiting := st.waitingPid(p, Stdio{})
	leaf := st.record().SpareCgroup.Leaf
	if err := Renew(context.Background(), st.claim, p, false, ""); err != nil {
		t.Fatal(err)
	}
	proc, res, err := startUnder(p, Stdio{}, st.claim)
	if err != nil || proc != nil || res == nil || res.SetupError == nil || !strings.Contains(res.SetupError.Error(), "/no/such/command") {
		t.Fatalf("Start() = %v, %+v, %v; want a setup failure that names the command", proc, res, err)
	}
	if pid := st.record().Pid; pid != waiting {
		t.Errorf("the failed run was pid %d, want the waiting child %d", pid, waiting)
	}
	st.ended(waiting, "after its failed setup")
	st.gone(leaf, "after its failed setup")
}
