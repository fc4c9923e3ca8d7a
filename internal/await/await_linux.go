package await

import (
	"context"
	"errors"
	"time"

	"github.com/hclsandbox/sandbox/internal/proc"
	"golang.org/x/sys/unix"
)

// Waiter waits, without polling on a timer, for what the kernel can
// report through a file descriptor: the exit of a process (a pidfd), a
// change in a directory (inotify), or the end of a context. Each wait has
// a deadline; a waiter that could not watch what it was asked to still
// honours it, so a caller's loop stays correct, only slower.
type Waiter struct {
	fds     []unix.PollFd
	closers []func()
	ctxFd   int // the read end of a pipe written when the context ends
	inotify int
	// Exited is set once a watched process has exited.
	Exited bool
}

// New makes a waiter that ctx's end wakes. Release it.
func New(ctx context.Context) *Waiter {
	w := &Waiter{ctxFd: -1, inotify: -1}
	if ctx.Done() == nil {
		return w
	}
	var p [2]int
	if unix.Pipe2(p[:], unix.O_CLOEXEC|unix.O_NONBLOCK) != nil {
		return w
	}
	stop := context.AfterFunc(ctx, func() { unix.Write(p[1], []byte{0}) })
	w.ctxFd = p[0]
	w.fds = append(w.fds, unix.PollFd{Fd: int32(p[0]), Events: unix.POLLIN})
	w.closers = append(w.closers, func() { stop(); unix.Close(p[0]); unix.Close(p[1]) })
	return w
}

// Pid watches the exit of pid while it is the process started at start;
// it reports false when that process is already gone.
func (w *Waiter) Pid(pid int, start uint64) bool {
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return proc.SameProcess(pid, start)
	}
	// Checked once the pidfd pins the process: a pid reused before it was
	// opened is not ours.
	if !proc.SameProcess(pid, start) {
		unix.Close(fd)
		return false
	}
	w.fds = append(w.fds, unix.PollFd{Fd: int32(fd), Events: unix.POLLIN})
	w.closers = append(w.closers, func() { unix.Close(fd) })
	return true
}

// Watch watches each directory for entries created, written, moved or
// removed, and for its own removal, or each file for a change. It
// reports whether every path is watched.
func (w *Waiter) Watch(paths ...string) bool {
	if w.inotify < 0 {
		fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
		if err != nil {
			return false
		}
		w.inotify = fd
		w.fds = append(w.fds, unix.PollFd{Fd: int32(fd), Events: unix.POLLIN})
		w.closers = append(w.closers, func() { unix.Close(fd) })
	}
	all := true
	for _, p := range paths {
		_, err := unix.InotifyAddWatch(w.inotify, p, unix.IN_CREATE|unix.IN_MODIFY|unix.IN_CLOSE_WRITE|unix.IN_MOVED_TO|
			unix.IN_MOVED_FROM|unix.IN_DELETE|unix.IN_DELETE_SELF|unix.IN_ATTRIB)
		all = all && err == nil
	}
	return all
}

// Wait returns true when something watched happened, false at the
// deadline or once the context has ended. Directory events are consumed.
func (w *Waiter) Wait(deadline time.Time) bool {
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return false
		}
		for i := range w.fds {
			w.fds[i].Revents = 0
		}
		n, err := unix.Poll(w.fds, int(left.Milliseconds())+1)
		switch {
		case errors.Is(err, unix.EINTR):
			continue
		case err != nil:
			time.Sleep(min(left, 10*time.Millisecond)) // cannot poll: do not spin
			return false
		case n == 0:
			return false
		}
		return w.woken()
	}
}

// woken reads what poll reported: false when the context ended.
func (w *Waiter) woken() bool {
	event := false
	for _, f := range w.fds {
		switch {
		case f.Revents == 0:
		case int(f.Fd) == w.ctxFd:
			return false
		case int(f.Fd) == w.inotify:
			buf := make([]byte, 4096)
			for n, _ := unix.Read(w.inotify, buf); n > 0; n, _ = unix.Read(w.inotify, buf) {
			}
			event = true
		default:
			w.Exited, event = true, true
		}
	}
	return event
}

// Release closes every descriptor of the waiter.
func (w *Waiter) Release() {
	for _, c := range w.closers {
		c()
	}
}
