package state

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/hclsandbox/sandbox/internal/proc"
	"github.com/hclsandbox/sandbox/internal/testenv"
)

// TestStateOfAnotherUser is the attack of another local user on a
// SANDBOX_RUN below a directory of theirs: they plant a record whose
// "sandbox" is a process of root's (here a sleep the test started) and
// wait for root's `sandbox stop` of that name. Root must not act on the
// record: the victim lives, and every use of the state directory is
// refused with a message naming the directory at fault, its owner and
// mode.
func TestStateOfAnotherUser(t *testing.T) {
	testenv.RequireRoot(t)
	victim := exec.Command("sleep", "600")
	if err := victim.Start(); err != nil {
		t.Skip("needs sleep:", err)
	}
	defer func() { victim.Process.Kill(); victim.Wait() }()
	pid := victim.Process.Pid

	top := t.TempDir()
	alice := filepath.Join(top, "alice")
	os.Chmod(top, 0o755)
	os.Mkdir(alice, 0o755)
	d := Dir{Root: filepath.Join(alice, "run")}
	rec := Record{Name: "victim", Pid: pid, PidStart: proc.StartTime(pid), Running: true,
		Supervisor: pid, SupervisorStart: proc.StartTime(pid), StopSignal: "SIGKILL"}
	b, _ := json.Marshal(rec)
	os.MkdirAll(filepath.Join(d.Root, "victim"), 0o700)
	os.WriteFile(filepath.Join(filepath.Join(d.Root, "victim"), recordFile), b, 0o600)
	for _, p := range []string{alice, d.Root, filepath.Join(d.Root, "victim"), filepath.Join(filepath.Join(d.Root, "victim"), recordFile)} {
		os.Chown(p, 65534, 65534)
	}

	err := d.Stop(context.Background(), "victim", StopOptions{Timeout: -1})
	if waitGone(pid) {
		t.Fatal("root's stop killed the process that another user's record named")
	}
	wantAlice := func(what string, err error) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), alice+" belongs to another user") || !strings.Contains(err.Error(), "uid 65534") {
			t.Errorf("%s = %v, want an error naming %s and its owner", what, err, alice)
		}
	}
	wantAlice("Stop()", err)
	_, err = d.Names()
	wantAlice("Names()", err)
	_, err = d.GC(context.Background())
	wantAlice("GC()", err)
	_, err = d.Claim(context.Background(), Record{Name: "x"})
	wantAlice("Claim()", err)
}

// waitGone reports whether pid, a child of this process, has ended,
// without waiting for it.
func waitGone(pid int) bool {
	var ws syscall.WaitStatus
	n, _ := syscall.Wait4(pid, &ws, syscall.WNOHANG, nil)
	return n == pid
}

// TestStateDirMade: a missing state directory is made 0700, the
// directories above it as well.
func TestStateDirMade(t *testing.T) {
	d := Dir{Root: filepath.Join(t.TempDir(), "a", "run")}
	if err := d.check(true); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Dir(d.Root), d.Root} {
		if info, err := os.Stat(p); err != nil || info.Mode() != os.ModeDir|0o700 {
			t.Errorf("%s: %v, %v; want mode 0700", p, info, err)
		}
	}
}
