package state

import "context"

// watchDir watches dir with inotify; ctx's end wakes the waiter too.
func watchDir(ctx context.Context, dir string) dirWatch {
	w := newWaiter(ctx)
	w.dirs(dir)
	return w
}
