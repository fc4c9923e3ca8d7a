package relay

import (
	"bytes"
	"fmt"
	"io"
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

// TestLongLineWhole: a line far longer than any buffer comes out whole,
// byte for byte, after its prefix once, while another stream prints lines
// that land before or after it, never inside.
func TestLongLineWhole(t *testing.T) {
	var out bytes.Buffer
	mux := NewMux([]string{"big", "chatty"}, true, false)
	long := make([]byte, 1<<20)
	for i := range long {
		long[i] = 'a' + byte(i%26)
	}
	big, chatty := mux.Writer("big", &out), mux.Writer("chatty", &out)
	var wg sync.WaitGroup
	wg.Go(func() {
		for b := append(append([]byte("{"), long...), "}\n"...); len(b) > 0; {
			k := min(len(b), 4096)
			big.Write(b[:k])
			b = b[k:]
		}
		big.Flush()
	})
	wg.Go(func() {
		for i := range 200 {
			fmt.Fprintf(chatty, "tick %d\n", i)
		}
		chatty.Flush()
	})
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 201 {
		t.Fatalf("got %d lines, want 201 (the long one whole, 200 ticks)", len(lines))
	}
	want := "big    | {" + string(long) + "}"
	found := false
	for _, l := range lines {
		switch {
		case l == want:
			found = true
		case !strings.HasPrefix(l, "chatty | tick "):
			t.Fatalf("a line is neither the long one whole nor a tick: %.80q…", l)
		}
	}
	if !found {
		t.Error("the long line did not come out whole after one prefix")
	}
}

// TestOpenLineDoesNotBlockForever: a stream that stops mid-way through a
// long line holds the others back no longer than openWait; its line is
// then ended and the others go on.
func TestOpenLineDoesNotBlockForever(t *testing.T) {
	var out bytes.Buffer
	mux := NewMux([]string{"a", "b"}, false, false)
	a, b := mux.Writer("a", &out), mux.Writer("b", &out)
	a.Write(bytes.Repeat([]byte("x"), maxLine+1)) // open, and a stalls
	b.Write([]byte("b goes on\n"))
	a.Write([]byte("rest\n"))
	got := strings.Split(out.String(), "\n")
	if len(got) != 4 || got[0] != strings.Repeat("x", maxLine+1) || got[1] != "b goes on" || got[2] != "rest" {
		t.Errorf("output = %.60q…, want the open line ended, b's line, then a's rest", out.String())
	}
}

// BenchmarkRelay passes 80-byte lines through a prefixed LineWriter in
// the 64 KiB pieces the launcher reads, against copying them unchanged
// (cat's work): the relay's cost per byte.
func BenchmarkRelay(b *testing.B) {
	chunk := bytes.Repeat([]byte(strings.Repeat("x", 79)+"\n"), (64<<10)/80)
	b.Run("prefixed", func(b *testing.B) {
		w := NewMux([]string{"web"}, true, false).Writer("web", io.Discard)
		b.SetBytes(int64(len(chunk)))
		for b.Loop() {
			w.Write(chunk)
		}
	})
	b.Run("cat", func(b *testing.B) {
		b.SetBytes(int64(len(chunk)))
		for b.Loop() {
			io.Discard.Write(chunk)
		}
	})
}
