package state

import (
	"context"

	"github.com/hclsandbox/sandbox/internal/await"
)

// watchDir watches dir with inotify; ctx's end wakes the waiter too.
func watchDir(ctx context.Context, dir string) dirWatch {
	w := await.New(ctx)
	w.Watch(dir)
	return w
}
