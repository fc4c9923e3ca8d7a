package relay

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestOutputLinesWhole writes many streams at once in odd-sized pieces and
// checks that every line comes out whole, after its own prefix.
func TestOutputLinesWhole(t *testing.T) {
	var out bytes.Buffer
	names := []string{"a", "bb", "w[10]"}
	mux := NewMux(names, true, false)
	var wg sync.WaitGroup
	for _, n := range names {
		w := mux.Writer(n, &out)
		wg.Go(func() {
			var text strings.Builder
			for i := range 300 {
				fmt.Fprintf(&text, "%s-line-%d-%s\n", n, i, strings.Repeat("x", i%50))
			}
			text.WriteString(n + "-partial")
			b := []byte(text.String())
			for len(b) > 0 {
				k := min(len(b), 1+len(b)%7)
				w.Write(b[:k])
				b = b[k:]
			}
			w.Flush()
		})
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 3*301 {
		t.Fatalf("got %d lines, want %d", len(lines), 3*301)
	}
	for _, l := range lines {
		prefix, text, ok := strings.Cut(l, " | ")
		name := strings.TrimSpace(prefix)
		if !ok || len(prefix) != len("w[10]") || !strings.HasPrefix(text, name+"-") {
			t.Errorf("line %q: prefix and text do not match", l)
		}
	}
}

func TestOutputNoPrefix(t *testing.T) {
	var out bytes.Buffer
	w := NewMux([]string{"web"}, false, false).Writer("web", &out)
	w.Write([]byte("one\ntw"))
	w.Write([]byte("o\nthree"))
	w.Flush()
	if got, want := out.String(), "one\ntwo\nthree\n"; got != want {
		t.Errorf("output = %q, want %q", got, want)
	}
}

func TestOutputColorIsStable(t *testing.T) {
	m := NewMux([]string{"web", "db"}, true, true)
	if a, b := m.prefixFor("web"), m.prefixFor("web"); !bytes.Equal(a, b) || !bytes.HasPrefix(a, []byte("\x1b[")) {
		t.Errorf("prefixFor(web) = %q then %q, want the same colored prefix", a, b)
	}
}
