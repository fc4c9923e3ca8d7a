package state

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// TestLockWaitCancelled: waiting for a name's lock that another holder
// keeps (here another open file of this process, which flock treats as
// another holder) ends with the context, long before its hour is up.
func TestLockWaitCancelled(t *testing.T) {
	d := Dir{Root: filepath.Join(t.TempDir(), "run")}
	if err := d.check(true); err != nil {
		t.Fatal(err)
	}
	dir, err := d.Dir("held")
	if err != nil {
		t.Fatal(err)
	}
	held, err := tryLock(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(20 * time.Millisecond)
		cancel()
	}()
	f, err := d.lock(ctx, "held", time.Hour)
	if err == nil {
		f.Close()
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("lock(held) with its context cancelled = %v, want an error wrapping context.Canceled", err)
	}
}

// TestLockWaitWakesOnRelease: a lock released while another waits for it
// is taken; the wait wakes when the lock file is closed.
func TestLockWaitWakesOnRelease(t *testing.T) {
	d := Dir{Root: filepath.Join(t.TempDir(), "run")}
	if err := d.check(true); err != nil {
		t.Fatal(err)
	}
	dir, _ := d.Dir("held")
	held, err := tryLock(dir)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(20 * time.Millisecond)
		held.Close()
	}()
	f, err := d.lock(context.Background(), "held", time.Hour)
	if err != nil {
		t.Fatalf("lock(held) after its holder let go = %v", err)
	}
	f.Close()
}

// TestGCCancelled: a gc whose context has ended cleans up nothing and
// says why; the record stays for the next gc.
func TestGCCancelled(t *testing.T) {
	d := Dir{Root: t.TempDir()}
	c, err := d.Claim(context.Background(), Record{Name: "left"})
	if err != nil {
		t.Fatal(err)
	}
	c.lock.Close() // as if its launcher had died
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := d.GC(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("GC() with its context cancelled = %v, want an error wrapping context.Canceled", err)
	}
	if _, err := d.Read("left"); err != nil {
		t.Errorf("the record is gone after a cancelled gc: %v", err)
	}
}
