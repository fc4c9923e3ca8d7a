package launcher

import (
	"io"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// The relay hub copies the output streams of every sandbox whose
// destination is an ImmediateWriter (a quiet batch's tails, a detached
// sandbox's log), or none, on the launcher's poller (poller_linux.go):
// no goroutine or buffer a stream. No other writer may be called there:
// up's line writers wait for a long line another stream has open to end,
// which the poller, busy with that wait, would never read. Those streams,
// and those to a file of the caller's, which splice, keep a relay of
// their own (outputRelay).

// hubChunk is how much one stream is read at a time, and hubTurns how
// many such reads it gets before the others have their turn.
const (
	hubChunk = 64 << 10
	hubTurns = 4
)

// streamRelay copies one of a sandbox's output streams from our end of
// its pipe.
type streamRelay interface {
	start()
	// finish copies what the stream holds once its writers have ended,
	// without waiting for more, and closes our end.
	finish()
	// abandon closes our end without copying: the start failed.
	abandon()
}

// newStreamRelay relays src, our end of a sandbox's pipe, to w: through
// the hub when w is an ImmediateWriter or nil, and the hub can take it.
func newStreamRelay(w io.Writer, src *os.File) streamRelay {
	if _, ok := w.(ImmediateWriter); ok || w == nil {
		if s := hubStreamOf(w, src); s != nil {
			return s
		}
	}
	return newOutputRelay(w, src)
}

func (r *outputRelay) abandon() { r.src.Close() }

// hubStream is a stream the hub relays.
type hubStream struct {
	src *os.File
	fd  int
	dst io.Writer // nil: read and dropped
	// mu is held while the stream is read, by the hub or by finish.
	mu sync.Mutex
	// ended: our end is closed (the stream ended, its destination
	// failed, or finish ran); nothing reads it any more.
	ended bool
	key   uint64 // the poller's watch of src
}

// hubBuf is the poller's read buffer for every stream, made once there
// is one: handlers run on the poller's one goroutine, one at a time.
var hubBuf = sync.OnceValue(func() []byte { return make([]byte, hubChunk) })

// hubStreamOf puts src in the hub's wait at once (nothing arrives
// before the child runs, and no end: the child's end is still open
// here), or returns nil where the hub cannot run.
func hubStreamOf(w io.Writer, src *os.File) *hubStream {
	s := &hubStream{src: src, fd: int(src.Fd()), dst: w}
	s.mu.Lock() // the poller may call pump before key is set
	defer s.mu.Unlock()
	key, err := watchFD(s.fd, unix.EPOLLIN, func(uint64) { s.pump(hubBuf(), hubTurns) })
	if err != nil {
		return nil
	}
	s.key = key
	return s
}

// start does nothing: the hub waits for the stream from the first.
func (s *hubStream) start() {}

// pump reads what the stream holds, at most turns chunks, and passes it
// on; at its end, or when the destination fails, it closes our end.
func (s *hubStream) pump(buf []byte, turns int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for ; turns > 0 && !s.ended; turns-- {
		n, err := unix.Read(s.fd, buf)
		switch {
		case err == unix.EINTR:
			turns++
		case err == unix.EAGAIN:
			return
		case n > 0 && !s.write(buf[:n]):
			s.end()
		case n <= 0 || err != nil: // the writers are gone
			s.end()
		}
	}
}

// write passes p on; false: the destination failed, and, as a write to
// it would have, the sandbox's next write fails with EPIPE.
func (s *hubStream) write(p []byte) bool {
	if s.dst == nil {
		return true
	}
	_, err := s.dst.Write(p)
	return err == nil
}

// end stops waiting for the stream and closes our end. Call it with
// s.mu held.
func (s *hubStream) end() {
	s.ended = true
	unwatchFD(s.fd, s.key)
	s.src.Close()
}

func (s *hubStream) finish() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		return
	}
	bp := relayBuffers.Get().(*[]byte)
	defer relayBuffers.Put(bp)
	for total := 0; total < maxDrain; {
		n, err := unix.Read(s.fd, *bp)
		if err == unix.EINTR {
			continue
		}
		if n <= 0 || err != nil || !s.write((*bp)[:n]) { // EAGAIN: empty
			break
		}
		total += n
	}
	s.end()
}

func (s *hubStream) abandon() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.ended {
		s.end()
	}
}
