package await

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
	w := New(context.Background())
	defer w.Release()
	if !w.Pid(cmd.Process.Pid, proc.StartTime(cmd.Process.Pid)) {
		t.Fatal("Pid() = false for a running process")
	}
	cmd.Process.Kill()
	cmd.Wait()
	if !w.Wait(far) || !w.Exited {
		t.Errorf("Wait() after the process exited = false or exited unset, want true")
	}

	dir := t.TempDir()
	d := New(context.Background())
	defer d.Release()
	d.Watch(dir)
	os.WriteFile(filepath.Join(dir, "record"), []byte("x"), 0o600)
	if !d.Wait(far) || d.Exited {
		t.Errorf("Wait() after a write in the directory = false or exited set, want true")
	}

	ctx, cancel := context.WithCancel(context.Background())
	c := New(ctx)
	defer c.Release()
	c.Watch(t.TempDir())
	cancel()
	if c.Wait(far) {
		t.Errorf("Wait() after the context ended = true, want false")
	}
	if w.Pid(cmd.Process.Pid, proc.StartTime(cmd.Process.Pid)) {
		t.Errorf("Pid() of an exited process = true, want false")
	}
}
