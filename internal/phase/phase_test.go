package phase

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Marks go to the file, one whole line each, in order and with times that
// do not go back; without a file a Mark does nothing.
func TestMarks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "phases")
	old := out
	defer func() { out = old }()
	out = open(path)
	if out == nil {
		t.Fatal("open failed")
	}
	Mark("one")
	Mark("two")
	out.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "one ") || !strings.HasPrefix(lines[1], "two ") {
		t.Fatalf("marks %q", lines)
	}
	a, _ := strconv.ParseInt(strings.Fields(lines[0])[1], 10, 64)
	c, _ := strconv.ParseInt(strings.Fields(lines[1])[1], 10, 64)
	if a <= 0 || c < a {
		t.Errorf("times %d then %d", a, c)
	}
	out = nil
	Mark("nowhere") // must not panic
	if open("") != nil {
		t.Error("an empty SANDBOX_PHASES opened a file")
	}
}
