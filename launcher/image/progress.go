package image

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// progress shows one pull: on a terminal, a line with every layer's
// share done, redrawn at most ten times a second; otherwise one line
// when the image is in the store.
type progress struct {
	s      *Store
	src    string
	mu     sync.Mutex
	layers []*layerProgress
	drawn  time.Time
}

// layerProgress counts one layer's bytes.
type layerProgress struct {
	p           *progress
	name        string
	total, done int64
	skipped     bool
}

func (s *Store) newProgress(src string, ls []layerSource) *progress {
	p := &progress{s: s, src: src}
	for _, l := range ls {
		p.layers = append(p.layers, &layerProgress{p: p, name: ShortDigest(l.diffID)[:8], total: l.size})
	}
	return p
}

func (p *progress) layer(i int) *layerProgress { return p.layers[i] }

func (l *layerProgress) add(n int) {
	if l == nil || l.p.s.Progress == nil || !l.p.s.Terminal {
		return
	}
	l.p.mu.Lock()
	defer l.p.mu.Unlock()
	l.done += int64(n)
	if time.Since(l.p.drawn) > 100*time.Millisecond {
		l.p.draw(l.p.s.Progress)
	}
}

func (l *layerProgress) skip() {
	l.p.mu.Lock()
	l.skipped = true
	l.p.mu.Unlock()
}

// draw rewrites the terminal line; the caller holds mu.
func (p *progress) draw(w io.Writer) {
	p.drawn = time.Now()
	parts := make([]string, len(p.layers))
	for i, l := range p.layers {
		switch {
		case l.skipped:
			parts[i] = l.name + " cached"
		case l.total > 0:
			parts[i] = fmt.Sprintf("%s %3d%%", l.name, min(100, l.done*100/l.total))
		default:
			parts[i] = fmt.Sprintf("%s %s", l.name, mib(l.done))
		}
	}
	fmt.Fprintf(w, "\r\033[Kpulling %s: %s", p.src, strings.Join(parts, " | "))
}

// done ends the progress: the image's line, or the failure.
func (p *progress) done(err error, unpacked int) {
	w := p.s.Progress
	if w == nil {
		return
	}
	if p.s.Terminal {
		fmt.Fprint(w, "\r\033[K")
	}
	if err == nil {
		fmt.Fprintf(w, "pulled %s: %d layers, %d unpacked\n", p.src, len(p.layers), unpacked)
	}
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
