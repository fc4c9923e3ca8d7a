package relay

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// The tail keeps the last 20 lines and at most 4 KiB, whatever is written.
func TestOutputTailBounded(t *testing.T) {
	var tl Tail
	for i := range 100 {
		fmt.Fprintf(&tl, "line %d\n", i)
	}
	tl.Write([]byte("part"))
	got := tl.Lines()
	if len(got) != 20 || got[0] != "line 81" || got[19] != "part" {
		t.Errorf("Lines() = %q, want line 81 .. line 99 and part", got)
	}
	tl.Write([]byte(strings.Repeat("x", 10000) + "\n"))
	size := 0
	for _, l := range tl.Lines() {
		size += len(l)
	}
	if size > 4<<10 {
		t.Errorf("the tail holds %d bytes, want at most 4096", size)
	}
}

// TestTailSkipsToLastLines: a write of many lines keeps the same last
// lines as writing them one at a time.
func TestTailSkipsToLastLines(t *testing.T) {
	var text strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&text, "line %d\n", i)
	}
	text.WriteString("partial")
	whole, oneByOne := &Tail{}, &Tail{}
	whole.Write([]byte("before\n"))
	oneByOne.Write([]byte("before\n"))
	whole.Write([]byte(text.String()))
	for _, l := range strings.SplitAfter(text.String(), "\n") {
		oneByOne.Write([]byte(l))
	}
	if a, b := whole.Lines(), oneByOne.Lines(); !slices.Equal(a, b) || a[len(a)-1] != "partial" || a[0] != "line 981" {
		t.Errorf("one write kept %q, line by line %q", a, b)
	}
}
