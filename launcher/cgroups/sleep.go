package cgroups

import (
	"context"
	"time"
)

// sleep waits d, or until ctx ends, and then returns ctx.Err(): for the
// waits the kernel gives no word on (the v1 freezer, a busy rmdir, pids
// that take a while to die).
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
