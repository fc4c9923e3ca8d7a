package cgroups

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// stuckLeaf is a fake leaf whose process never dies: it lists pid 42 in
// cgroup.procs whatever is written or killed, its freezer never gets past
// FREEZING and its directory stays busy. Each attempt to kill, remove or
// freeze counts, and the context is cancelled at attempt cancelAt, so
// that a wait is cancelled after it started, not before.
type stuckLeaf struct {
	root, dir string
	attempts  atomic.Int32
	cancelAt  int32
	cancel    context.CancelFunc
}

// newStuckLeaf makes the leaf at rel under a new root.
func newStuckLeaf(t *testing.T, rel string, cancelAt int32) (*stuckLeaf, context.Context) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	root := t.TempDir()
	l := &stuckLeaf{root: root, dir: filepath.Join(root, rel), cancelAt: cancelAt, cancel: cancel}
	if err := os.MkdirAll(l.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{"cgroup.procs": "42\n", "freezer.state": "THAWED\n", "cgroup.events": "populated 1\n"} {
		if err := os.WriteFile(filepath.Join(l.dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return l, ctx
}

// attempt counts one try and cancels the context at cancelAt.
func (l *stuckLeaf) attempt() {
	if l.attempts.Add(1) == l.cancelAt {
		l.cancel()
	}
}

func (l *stuckLeaf) ops() cgroupOps {
	return cgroupOps{
		write: func(path, value string) error {
			if filepath.Base(path) == "freezer.state" && value == "FROZEN" {
				l.attempt()
				value = "FREEZING"
			}
			return writeFile(path, value)
		},
		rmdir: func(string) error { l.attempt(); return syscall.EBUSY },
		kill:  func(int) error { l.attempt(); return nil },
	}
}

// wantCancelled fails unless err says the context was cancelled. The
// waits give up on their own only after seconds, with another error, so
// an error wrapping context.Canceled is the context's doing.
func wantCancelled(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, context.Canceled) {
		t.Errorf("%s with its context cancelled = %v, want an error wrapping context.Canceled", what, err)
	}
}

func TestKillUntilEmptyCancelled(t *testing.T) {
	l, ctx := newStuckLeaf(t, "leaf", 2)
	wantCancelled(t, "killUntilEmpty()", killUntilEmpty(ctx, l.ops(), filepath.Join(l.dir, "cgroup.procs")))
}

func TestRemoveDirCancelled(t *testing.T) {
	l, ctx := newStuckLeaf(t, "leaf", 2)
	wantCancelled(t, "removeDir()", removeDir(ctx, l.ops(), l.dir))
}

// TestV1KillCancelledWhileFreezing: a v1 kill cancelled while the freezer
// is still freezing returns, and leaves the leaf thawed.
func TestV1KillCancelledWhileFreezing(t *testing.T) {
	l, ctx := newStuckLeaf(t, "freezer/sandbox/web", 1)
	c := &cgroupV1{cfg: &CgroupConfig{Root: l.root}, leaf: "sandbox/web", ops: l.ops(), made: []string{"freezer"}}
	wantCancelled(t, "Kill() of a v1 leaf", c.Kill(ctx))
	if b, _ := os.ReadFile(filepath.Join(l.dir, "freezer.state")); string(b) != "THAWED" {
		t.Errorf("freezer.state after a cancelled kill = %q, want THAWED", b)
	}
	if n := l.attempts.Load(); n != 1 {
		t.Errorf("a cancelled freeze went on to %d attempts, want the 1 freeze", n)
	}
}

// TestV2KillCancelled: a v2 kill whose leaf does not empty waits on
// cgroup.events until its context is cancelled.
func TestV2KillCancelled(t *testing.T) {
	l, ctx := newStuckLeaf(t, "sandbox/web", 0)
	c := &cgroupV2{cfg: &CgroupConfig{Root: l.root}, leaf: "sandbox/web", ops: l.ops()}
	// Cancelled while Kill waits for the leaf to empty, which it never
	// does: only the context ends the wait.
	go func() {
		time.Sleep(20 * time.Millisecond)
		l.cancel()
	}()
	wantCancelled(t, "Kill() of a v2 leaf", c.Kill(ctx))
}
