//go:build !linux

package state

import (
	"context"
	"time"
)

// sleeper waits out the deadline: off Linux there is no sandbox whose
// log grows.
type sleeper struct{ ctx context.Context }

// Wait sleeps until the deadline or the context's end.
func (s sleeper) Wait(deadline time.Time) bool {
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	select {
	case <-t.C:
	case <-s.ctx.Done():
	}
	return false
}

// Release does nothing.
func (sleeper) Release() {}

// watchDir cannot watch off Linux.
func watchDir(ctx context.Context, dir string) dirWatch { return sleeper{ctx} }
