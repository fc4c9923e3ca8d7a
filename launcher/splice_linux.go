package launcher

import (
	"errors"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// A relay to a file, the caller's own stdout or stderr, moves the data
// inside the kernel with splice(2), as the sandbox writing to that file
// directly would: no copy through the launcher, whose pipe is only a
// buffer on the way.

// spliceChunk is the most one splice moves: a pipe holds at most 1 MiB.
const spliceChunk = 1 << 20

// splice relays src to dst with splice(2) until src ends or finish is
// called, and reports whether it did. When dst takes no splice (a file
// opened for appending, a device without splice support) it returns
// false, having moved nothing it could not, and the relay copies
// instead. When dst fails (its reader is gone) it closes src, so that the
// sandbox's next write fails, as a write to dst itself would have.
func (r *outputRelay) splice(dst *os.File) (handled bool) {
	rc, err := r.src.SyscallConn()
	if err != nil {
		return false
	}
	out := int(dst.Fd())
	for proven := false; ; proven = true {
		var n int
		var serr error
		var ended bool
		rerr := rc.Read(func(fd uintptr) bool {
			n, serr = spliceOnce(int(fd), out)
			ended = n == 0 && serr == nil && !pipeHolds(int(fd))
			return serr != unix.EAGAIN // else wait until src is readable
		})
		switch {
		case errors.Is(rerr, os.ErrDeadlineExceeded) && !proven:
			// finish came before a first splice (the relay started
			// late): whether dst takes one is unknown, so copy.
			return false
		case errors.Is(rerr, os.ErrDeadlineExceeded):
			r.spliceDrain(rc, out)
			return true
		case rerr != nil: // src closed
			return true
		case serr == unix.EINVAL:
			return false
		case serr != nil:
			r.src.Close()
			return true
		case ended:
			return true
		}
	}
}

// spliceOnce moves what src holds to dst, never waiting for src. An
// EAGAIN means src is empty: when dst is a full pipe it waits for room
// instead, so that the caller's wait for src does not spin.
func spliceOnce(src, dst int) (int, error) {
	n, err := unix.Splice(src, nil, dst, nil, spliceChunk, unix.SPLICE_F_MOVE|unix.SPLICE_F_NONBLOCK)
	if err == unix.EAGAIN && pipeHolds(src) {
		fds := []unix.PollFd{{Fd: int32(dst), Events: unix.POLLOUT}}
		for {
			if _, perr := unix.Poll(fds, -1); perr != unix.EINTR {
				break
			}
		}
		return 0, nil // moved nothing, but src has not ended: call again
	}
	return int(n), err
}

// pipeHolds reports whether the pipe p holds data (TIOCINQ is FIONREAD).
func pipeHolds(p int) bool {
	n, err := unix.IoctlGetInt(p, unix.TIOCINQ)
	return err == nil && n > 0
}

// spliceDrain moves what src holds now, without waiting for more.
func (r *outputRelay) spliceDrain(rc syscall.RawConn, dst int) {
	for total := 0; total < maxDrain; {
		var n int
		var serr error
		var more bool
		rc.Control(func(fd uintptr) {
			n, serr = spliceOnce(int(fd), dst)
			more = serr == nil && (n > 0 || pipeHolds(int(fd)))
		})
		if !more {
			return
		}
		total += n
	}
}
