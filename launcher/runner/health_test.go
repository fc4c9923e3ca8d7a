package runner

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestOneLine: a check's output becomes one line of whole characters,
// its end kept, with no terminal escape that could forge another line.
func TestOneLine(t *testing.T) {
	if got := oneLine([]string{" refused \n", "", "\x1b[2Ksandbox: fake\r"}); got != "refused; ?[2Ksandbox: fake" {
		t.Errorf("oneLine = %q", got)
	}
	long := oneLine([]string{strings.Repeat("é", 300) + "end"})
	if !strings.HasSuffix(long, "end") || !utf8.ValidString(long) || len(long) > checkOutputMax+len("…") {
		t.Errorf("oneLine of a long output = %q (%d bytes)", long, len(long))
	}
}
