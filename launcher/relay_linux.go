package launcher

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Nothing inside a sandbox holds one of the caller's own descriptors: a
// file, a directory (`sandbox run x < /`, from which openat(0, "..")
// walks the host), the caller's terminal, a named pipe or /dev/null would
// each stay reachable through /proc/self/fd, and even a caller's anonymous
// pipe lets the payload reopen it for writing and inject into what reads
// it. Its standard streams are pipes that the launcher makes and relays,
// or a pty of its own devpts (isolation/terminal_linux.go).

// sandboxPipe makes a pipe whose end for the sandbox, theirs, is blocking,
// as programs expect of their standard streams, and whose end for the
// launcher, ours, is in Go's poller, so that a relay can be woken. forRead
// gives the sandbox the read end (its stdin).
func sandboxPipe(forRead bool) (ours, theirs *os.File, err error) {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		return nil, nil, fmt.Errorf("create a pipe for the sandbox's stdio: %w", err)
	}
	o, t := p[0], p[1]
	if forRead {
		o, t = t, o
	}
	// A non-blocking descriptor is one os.NewFile adds to the poller.
	if err := unix.SetNonblock(o, true); err != nil {
		unix.Close(o)
		unix.Close(t)
		return nil, nil, fmt.Errorf("create a pipe for the sandbox's stdio: %w", err)
	}
	return os.NewFile(uintptr(o), "|relay"), os.NewFile(uintptr(t), "|sandbox"), nil
}

// emptyStdin is a pipe already at its end: what a sandbox reads when it
// gets no input, in place of the host's /dev/null. Cheaper than a relay:
// no goroutine, and only the read end is left.
func emptyStdin() (*os.File, error) {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		return nil, fmt.Errorf("create the sandbox's stdin: %w", err)
	}
	unix.Close(p[1])
	return os.NewFile(uintptr(p[0]), "|empty"), nil
}

// relayInput copies src into dst until src ends, then closes dst so that
// the sandbox reads its end. Closing dst early (the sandbox has ended)
// ends the copy at its next write; a read of src in progress is not
// interrupted: src is the caller's, whose descriptor flags are not ours
// to change.
func relayInput(dst io.WriteCloser, src io.Reader) {
	go func() {
		io.Copy(dst, src)
		dst.Close()
	}()
}

// maxDrain bounds what finish copies once the writer is gone: far more
// than any pipe or pty holds (pipes hold 1 MiB at most without
// CAP_SYS_RESOURCE), so only a writer that outlived the command and keeps
// writing is cut off.
const maxDrain = 16 << 20

// outputRelay copies what a sandbox writes on src (our end of a pipe, or
// a pty's master) to dst until src ends or finish is called.
type outputRelay struct {
	src     *os.File
	dst     io.Writer
	started bool
	done    chan struct{}
}

// relayOutput starts relaying src to dst.
func relayOutput(dst io.Writer, src *os.File) *outputRelay {
	r := newOutputRelay(dst, src)
	r.start()
	return r
}

// newOutputRelay prepares a relay that start starts.
func newOutputRelay(dst io.Writer, src *os.File) *outputRelay {
	return &outputRelay{src: src, dst: dst, done: make(chan struct{})}
}

func (r *outputRelay) start() {
	r.started = true
	go r.run()
}

func (r *outputRelay) run() {
	defer close(r.done)
	if f, ok := r.dst.(*os.File); ok && r.splice(f) {
		return
	}
	rc, err := r.src.SyscallConn()
	if err != nil {
		return
	}
	for {
		buf, n, err := readChunk(rc)
		ok := buf == nil || r.write((*buf)[:n])
		if buf != nil {
			relayBuffers.Put(buf)
		}
		switch {
		case !ok:
			return
		case errors.Is(err, os.ErrDeadlineExceeded):
			r.drain(rc)
			return
		case err != nil, n == 0: // EOF, or EIO from a pty whose slave is closed
			return
		}
	}
}

// relayBuffers are the copying relays' read buffers. A relay takes one
// only once its source is readable and returns it after the write, so a
// batch of a thousand quiet sandboxes holds none, where a buffer each
// would be tens of megabytes.
var relayBuffers = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

// readChunk waits until src is readable, then reads what it holds into a
// buffer of relayBuffers, which the caller puts back; buf is nil when
// nothing was read (the wait ended or the read failed).
func readChunk(src syscall.RawConn) (buf *[]byte, n int, err error) {
	rerr := src.Read(func(fd uintptr) bool {
		buf = relayBuffers.Get().(*[]byte)
		n, err = unix.Read(int(fd), *buf)
		if err == unix.EAGAIN {
			relayBuffers.Put(buf)
			buf, err = nil, nil
			return false // wait until src is readable
		}
		return true
	})
	if rerr != nil {
		return buf, n, rerr
	}
	if err != nil {
		relayBuffers.Put(buf)
		return nil, 0, err
	}
	return buf, n, nil
}

// write passes p on. When dst fails (the caller's reader is gone), it
// closes src and reports false: the sandbox's next write fails with
// EPIPE, as a write to dst itself would have.
func (r *outputRelay) write(p []byte) bool {
	if len(p) == 0 || r.dst == nil {
		return true
	}
	if _, err := r.dst.Write(p); err != nil {
		r.src.Close()
		return false
	}
	return true
}

// drain copies what src holds now, without waiting for more. A pty's
// master hands over everything its slave wrote before an empty read
// (n_tty flushes the pending buffer first), and a pipe is a plain buffer.
// It reads through Control, which heeds no deadline: finish's deadline,
// set again while a drain runs, must not cut it short.
func (r *outputRelay) drain(rc syscall.RawConn) {
	bp := relayBuffers.Get().(*[]byte)
	defer relayBuffers.Put(bp)
	buf := *bp
	for total := 0; total < maxDrain; {
		var n int
		var rerr error
		rc.Control(func(fd uintptr) {
			n, rerr = unix.Read(int(fd), buf)
		})
		if n <= 0 || rerr != nil || !r.write(buf[:n]) {
			return
		}
		total += n
	}
}

// finish ends the relay once every writer it waits for has exited: what
// they wrote is copied, what a writer that outlived them may still write
// is not waited for. It returns when the copy is done and src is closed.
func (r *outputRelay) finish() {
	if r.started {
		r.src.SetReadDeadline(time.Now())
		<-r.done
	}
	r.src.Close()
}
