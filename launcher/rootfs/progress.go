package rootfs

import (
	"fmt"
	"io"
	"time"
)

// progressReader counts what is read through it and redraws one line on
// w, "unpacking NAME  42% (11.3 of 27.0 MiB)", at most ten times a second.
// A bar library did this before, and its package initialisation (color
// tables, spinners, regular expressions) cost every start of the
// launcher half a millisecond.
type progressReader struct {
	r           io.Reader
	w           io.Writer
	name        string
	total, done int64
	drawn       time.Time
}

func newProgressReader(r io.Reader, w io.Writer, name string, total int64) *progressReader {
	p := &progressReader{r: r, w: w, name: name, total: total}
	p.draw()
	return p
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.done += int64(n)
	if time.Since(p.drawn) >= 100*time.Millisecond {
		p.draw()
	}
	return n, err
}

// draw rewrites the line.
func (p *progressReader) draw() {
	p.drawn = time.Now()
	pct := int64(100)
	if p.total > 0 {
		pct = min(100, p.done*100/p.total)
	}
	fmt.Fprintf(p.w, "\runpacking %s  %3d%% (%.1f of %.1f MiB)", p.name, pct, mib(p.done), mib(p.total))
}

// finish draws the last state and ends the line.
func (p *progressReader) finish() {
	p.draw()
	fmt.Fprintln(p.w)
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }
