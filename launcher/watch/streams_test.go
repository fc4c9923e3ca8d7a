package watch

import (
	"io"
	"testing"

	"github.com/hclsandbox/sandbox/launcher/relay"
)

// Every run of a name gets the same line writers until the name is
// dropped; then none are kept for it, and a name declared again gets new
// ones.
func TestStreamsKeptUntilDropped(t *testing.T) {
	var s streams
	mux := relay.NewMux([]string{"a", "b"}, true, false)
	_, a1 := s.of(mux, "a", io.Discard, io.Discard)
	_, a2 := s.of(mux, "a", io.Discard, io.Discard)
	_, b := s.of(mux, "b", io.Discard, io.Discard)
	if a1 != a2 || a1 == b {
		t.Fatalf("runs of a got %v and %v, b got %v: want one pair for a, another for b", a1, a2, b)
	}
	s.drop("a")
	if _, ok := s.by["a"]; ok || len(s.by) != 1 {
		t.Fatalf("after dropping a, streams are kept for %d names (a: %v)", len(s.by), ok)
	}
	if _, a3 := s.of(mux, "a", io.Discard, io.Discard); a3 == a1 {
		t.Error("a declared again got the writers of its dropped run")
	}
}
