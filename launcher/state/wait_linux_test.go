package state

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/internal/proc"
)

// TestWaiterWakes: a waiter returns true for the exit of a watched
// process and for a change in a watched directory, and false once its
// context ends, each long before its deadline would.
func TestWaiterWakes(t *testing.T) {
	far := time.Now().Add(time.Minute)
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Skipf("start sleep: %v", err)
	}
	w := newWaiter(context.Background())
	defer w.release()
	if !w.pid(cmd.Process.Pid, proc.StartTime(cmd.Process.Pid)) {
		t.Fatal("pid() = false for a running process")
	}
	cmd.Process.Kill()
	cmd.Wait()
	if !w.wait(far) || !w.exited {
		t.Errorf("wait() after the process exited = false or exited unset, want true")
	}

	dir := t.TempDir()
	d := newWaiter(context.Background())
	defer d.release()
	d.dirs(dir)
	os.WriteFile(filepath.Join(dir, "record"), []byte("x"), 0o600)
	if !d.wait(far) || d.exited {
		t.Errorf("wait() after a write in the directory = false or exited set, want true")
	}

	ctx, cancel := context.WithCancel(context.Background())
	c := newWaiter(ctx)
	defer c.release()
	c.dirs(t.TempDir())
	cancel()
	if c.wait(far) {
		t.Errorf("wait() after the context ended = true, want false")
	}
	if w.pid(cmd.Process.Pid, proc.StartTime(cmd.Process.Pid)) {
		t.Errorf("pid() of an exited process = true, want false")
	}
}
