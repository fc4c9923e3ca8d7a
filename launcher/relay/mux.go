package relay

import (
	"bytes"
	"hash/fnv"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/hclsandbox/sandbox/launcher"
)

// maxLine is the longest partial line a LineWriter holds; a longer line is
// passed on as it comes (see LineWriter).
const maxLine = 64 << 10

// Mux serializes whole lines from many sandboxes onto the launcher's
// standard output and error, so that no two lines interleave mid-line.
type Mux struct {
	mu     sync.Mutex
	open   *LineWriter // the writer whose long line is open, if any
	turn   *sync.Cond  // signalled when open is released
	width  int         // the widest name, for aligned prefixes
	prefix bool        // write "name | " before each line
	color  bool        // color each prefix, by name
}

// NewMux prepares prefixes aligned to the longest of names.
func NewMux(names []string, prefix, color bool) *Mux {
	m := &Mux{prefix: prefix, color: color}
	for _, n := range names {
		m.width = max(m.width, len(n))
	}
	return m
}

// colors are the ANSI foreground colors given to names.
var colors = []string{"\x1b[36m", "\x1b[33m", "\x1b[32m", "\x1b[35m", "\x1b[34m", "\x1b[91m", "\x1b[96m", "\x1b[93m"}

// prefixFor is the aligned, possibly colored prefix of name's lines.
func (m *Mux) prefixFor(name string) []byte {
	if !m.prefix {
		return nil
	}
	p := name + string(bytes.Repeat([]byte{' '}, m.width-len(name))) + " | "
	if m.color {
		h := fnv.New32a()
		h.Write([]byte(name))
		p = colors[h.Sum32()%uint32(len(colors))] + p + "\x1b[0m"
	}
	return []byte(p)
}

// Writer returns a line-buffering writer that sends name's lines to w.
func (m *Mux) Writer(name string, w io.Writer) *LineWriter {
	return &LineWriter{mux: m, out: w, prefix: m.prefixFor(name)}
}

// Stdio gives a sandbox line writers onto stdout and stderr; the writers
// come back too, to be flushed when the sandbox ends.
func (m *Mux) Stdio(name string, stdout, stderr io.Writer) (launcher.Stdio, [2]*LineWriter) {
	so, se := m.Writer(name, stdout), m.Writer(name, stderr)
	return launcher.Stdio{Stdout: so, Stderr: se}, [2]*LineWriter{so, se}
}

// Emit writes one complete line, prefixed, under the lock, after any
// line another writer has open (see LineWriter).
func (m *Mux) Emit(w io.Writer, prefix, line []byte) {
	buf := make([]byte, 0, len(prefix)+len(line)+1)
	buf = append(append(buf, prefix...), line...)
	if len(line) == 0 || line[len(line)-1] != '\n' {
		buf = append(buf, '\n')
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.waitTurn(nil)
	w.Write(buf)
}

// openWait is how long a writer waits for a line another writer has left
// open (longer than maxLine, its end not yet written) before it ends
// that line itself with a newline: a sandbox that stalls mid-line, or
// whose other stream must be read for it to go on, cannot hold up the
// rest.
const openWait = 100 * time.Millisecond

// waitTurn waits, with m.mu held, until no writer but self has a line
// open, or openWait has passed, when it ends the open line. Called with
// self nil by Emit.
func (m *Mux) waitTurn(self *LineWriter) {
	if m.open == nil || m.open == self {
		return
	}
	if m.turn == nil {
		m.turn = sync.NewCond(&m.mu)
	}
	deadline := time.Now().Add(openWait)
	for m.open != nil && m.open != self {
		left := time.Until(deadline)
		if left <= 0 {
			m.open.out.Write([]byte{'\n'})
			m.open.open, m.open = false, nil
			return
		}
		t := time.AfterFunc(left, func() {
			m.mu.Lock()
			m.turn.Broadcast()
			m.mu.Unlock()
		})
		m.turn.Wait()
		t.Stop()
	}
}

// release marks that l's open line has ended, waking those who wait.
func (m *Mux) release(l *LineWriter) {
	l.open = false
	if m.open == l {
		m.open = nil
		if m.turn != nil {
			m.turn.Broadcast()
		}
	}
}

// LineWriter passes a stream's complete lines on, each after the
// stream's prefix, and holds a partial last line until its end comes. A
// line longer than maxLine is passed on as it comes, its prefix once and
// not a byte changed, and is "open" until its newline: the mux lets no
// other line in meanwhile (but see openWait). All the lines of one Write
// go out in one write. It is used by one goroutine at a time.
type LineWriter struct {
	mux    *Mux
	out    io.Writer
	prefix []byte
	buf    []byte // the partial line held
	open   bool   // a long line was started and not ended
	batch  []byte // what one Write sends, reused
}

// Write passes on every complete line of p and keeps the rest.
func (l *LineWriter) Write(p []byte) (int, error) {
	n := len(p)
	l.mux.mu.Lock()
	defer l.mux.mu.Unlock()
	l.mux.waitTurn(l)
	out := l.batch[:0]
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			out = l.partial(out, p)
			break
		}
		out = l.line(out, p[:i+1])
		p = p[i+1:]
	}
	if len(out) > 0 {
		l.out.Write(out)
	}
	if cap(out) <= 4*maxLine {
		l.batch = out[:0]
	}
	return n, nil
}

// line appends the end of a line, its newline included, to out.
func (l *LineWriter) line(out, end []byte) []byte {
	if l.open {
		l.mux.release(l)
		return append(out, end...)
	}
	out = append(append(append(out, l.prefix...), l.buf...), end...)
	l.buf = l.buf[:0]
	return out
}

// partial takes a piece of a line without its end: held, or, once the
// line is longer than maxLine, passed on with the line left open.
func (l *LineWriter) partial(out, p []byte) []byte {
	if l.open {
		return append(out, p...)
	}
	l.buf = append(l.buf, p...)
	if len(l.buf) < maxLine {
		return out
	}
	out = append(append(out, l.prefix...), l.buf...)
	l.buf = l.buf[:0]
	l.open, l.mux.open = true, l
	return out
}

// Flush ends the stream's last line with a newline when the stream has
// ended without one.
func (l *LineWriter) Flush() {
	l.mux.mu.Lock()
	defer l.mux.mu.Unlock()
	switch {
	case l.open:
		l.out.Write([]byte{'\n'})
		l.mux.release(l)
	case len(l.buf) > 0:
		l.mux.waitTurn(l)
		l.out.Write(append(append(append([]byte(nil), l.prefix...), l.buf...), '\n'))
		l.buf = l.buf[:0]
	}
}

// StatusPrefix is "name | " aligned like the output's prefixes, and
// written even when the output goes unprefixed: a status line must say
// whom it is about.
func (m *Mux) StatusPrefix(name string) []byte {
	return []byte(name + strings.Repeat(" ", max(0, m.width-len(name))) + " | ")
}
