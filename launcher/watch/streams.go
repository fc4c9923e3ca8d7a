package watch

import (
	"io"
	"sync"

	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/relay"
)

// streams are each sandbox's line writers, made once and given to every
// run of its name: the child of a run may start while the run before it
// goes on (launcher.PrepareSpare), with the streams it will have, which
// are the same.
type streams struct {
	mu sync.Mutex
	by map[string]namedStreams
}

type namedStreams struct {
	stdio launcher.Stdio
	outs  [2]*relay.LineWriter
}

// of returns name's streams onto stdout and stderr through mux, made
// at its first run.
func (s *streams) of(mux *relay.Mux, name string, stdout, stderr io.Writer) (launcher.Stdio, [2]*relay.LineWriter) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n, ok := s.by[name]; ok {
		return n.stdio, n.outs
	}
	if s.by == nil {
		s.by = map[string]namedStreams{}
	}
	stdio, outs := mux.Stdio(name, stdout, stderr)
	s.by[name] = namedStreams{stdio, outs}
	return stdio, outs
}

// drop forgets name's streams once the configuration no longer declares
// it, so that a long watch keeps none for names long gone: a run that is
// still ending keeps the writers it has, and a name declared again gets
// new ones.
func (s *streams) drop(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.by, name)
}
