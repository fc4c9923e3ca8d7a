package relay

import (
	"bytes"
	"hash/fnv"
	"io"
	"strings"
	"sync"

	"github.com/hclsandbox/sandbox/launcher"
)

// maxLine is the longest partial line a LineWriter holds; a longer line is
// written out in pieces of this size.
const maxLine = 64 << 10

// Mux serializes whole lines from many sandboxes onto the launcher's
// standard output and error, so that no two lines interleave mid-line.
type Mux struct {
	mu     sync.Mutex
	width  int  // the widest name, for aligned prefixes
	prefix bool // write "name | " before each line
	color  bool // color each prefix, by name
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

// Emit writes one complete line, prefixed, under the lock.
func (m *Mux) Emit(w io.Writer, prefix, line []byte) {
	buf := make([]byte, 0, len(prefix)+len(line)+1)
	buf = append(append(buf, prefix...), line...)
	if len(line) == 0 || line[len(line)-1] != '\n' {
		buf = append(buf, '\n')
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	w.Write(buf)
}

// LineWriter holds one stream's current partial line and passes each
// complete line on at once. It is used by one goroutine at a time.
type LineWriter struct {
	mux    *Mux
	out    io.Writer
	prefix []byte
	buf    []byte
}

// Write passes on every complete line of p and keeps the rest.
func (l *LineWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			l.buf = append(l.buf, p...)
			if len(l.buf) >= maxLine {
				l.Flush()
			}
			break
		}
		line := p[:i+1]
		if len(l.buf) > 0 {
			line = append(l.buf, line...)
			l.buf = l.buf[:0]
		}
		l.mux.Emit(l.out, l.prefix, line)
		p = p[i+1:]
	}
	return n, nil
}

// Flush writes out a partial last line, ended with a newline.
func (l *LineWriter) Flush() {
	if len(l.buf) > 0 {
		l.mux.Emit(l.out, l.prefix, l.buf)
		l.buf = l.buf[:0]
	}
}

// StatusPrefix is "name | " aligned like the output's prefixes, and
// written even when the output goes unprefixed: a status line must say
// whom it is about.
func (m *Mux) StatusPrefix(name string) []byte {
	return []byte(name + strings.Repeat(" ", max(0, m.width-len(name))) + " | ")
}
