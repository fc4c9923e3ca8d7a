package relay

import (
	"bytes"
	"sync"

	"github.com/hclsandbox/sandbox/launcher"
)

// Bounds of the output a report keeps of a failed sandbox.
const (
	tailLines = 20
	tailBytes = 4 << 10
)

// Tail keeps the last lines a sandbox wrote, stdout and stderr
// together, at most tailLines of them and tailBytes in all, for the
// --json and --junit reports of a sandbox that failed.
type Tail struct {
	mu      sync.Mutex
	lines   [][]byte
	size    int
	partial []byte
}

// Immediate marks a Tail as a launcher.ImmediateWriter: Write only
// takes its own lock.
func (t *Tail) Immediate() {}

var _ launcher.ImmediateWriter = (*Tail)(nil)

// Write keeps the complete lines of p and holds its last partial line.
func (t *Tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(p)
	if cut := lastLinesStart(p); cut > 0 {
		// p alone holds more lines than are kept: skip to its last ones.
		t.lines, t.size, t.partial, p = t.lines[:0], 0, nil, p[cut:]
	}
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			t.partial = append(t.partial, p...)
			if len(t.partial) > tailBytes {
				t.partial = t.partial[len(t.partial)-tailBytes:]
			}
			break
		}
		t.add(append(t.partial, p[:i]...))
		t.partial, p = nil, p[i+1:]
	}
	return n, nil
}

// lastLinesStart is where the last tailLines complete lines of p (and a
// partial one after them) begin, when p holds more than that; else 0.
func lastLinesStart(p []byte) int {
	end := len(p)
	for range tailLines + 1 {
		i := bytes.LastIndexByte(p[:end], '\n')
		if i < 0 {
			return 0
		}
		end = i
	}
	return end + 1
}

// add keeps line, then drops the oldest lines beyond the bounds.
func (t *Tail) add(line []byte) {
	if len(line) > tailBytes {
		line = line[len(line)-tailBytes:]
	}
	t.lines = append(t.lines, bytes.Clone(line))
	t.size += len(line)
	for len(t.lines) > tailLines || t.size > tailBytes {
		t.size -= len(t.lines[0])
		t.lines = t.lines[1:]
	}
}

// Lines returns the kept lines, a last partial one included.
func (t *Tail) Lines() []string {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]string, 0, len(t.lines)+1)
	for _, l := range t.lines {
		out = append(out, string(l))
	}
	if len(t.partial) > 0 {
		out = append(out, string(t.partial))
	}
	if len(out) > tailLines {
		out = out[len(out)-tailLines:]
	}
	return out
}
