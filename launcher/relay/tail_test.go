package relay

import (
	"fmt"
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
