package expect

import (
	"bytes"
	"fmt"
	"strconv"
)

// excerptMax is how much of an output a verdict quotes.
const excerptMax = 120

// quote is b as a Go string literal, cut at excerptMax bytes.
func quote(b []byte) string {
	if len(b) > excerptMax {
		return strconv.Quote(string(b[:excerptMax])) + "…"
	}
	return strconv.Quote(string(b))
}

// excerpt describes an output for a failed check: empty, or its start.
func excerpt(b []byte) string {
	if len(b) == 0 {
		return "empty output"
	}
	return quote(b)
}

// firstDifference describes where got first differs from want, by line:
// the expected and the actual line, numbered from 1.
func firstDifference(want, got []byte) (expected, actual string) {
	wl, gl := bytes.SplitAfter(want, []byte("\n")), bytes.SplitAfter(got, []byte("\n"))
	for i := 0; ; i++ {
		w, g := lineAt(wl, i), lineAt(gl, i)
		if !bytes.Equal(w, g) || i >= len(wl) && i >= len(gl) {
			return lineDesc(i, w, i < len(wl)), lineDesc(i, g, i < len(gl))
		}
	}
}

func lineAt(lines [][]byte, i int) []byte {
	if i < len(lines) {
		return lines[i]
	}
	return nil
}

func lineDesc(i int, line []byte, present bool) string {
	if !present || len(line) == 0 {
		return fmt.Sprintf("line %d: end of output", i+1)
	}
	return fmt.Sprintf("line %d: %s", i+1, quote(line))
}
