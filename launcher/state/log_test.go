package state

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLogRotates(t *testing.T) {
	dir := t.TempDir()
	w, err := OpenLog(dir, 20)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"one\n", "two\n", "three\n", "four\n", "five\n", "six\n", "seven\n", "eight\n", "nine\n"} {
		if _, err := w.Write([]byte(line)); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	for _, name := range []string{LogFile, LogFile + ".1"} {
		if info, err := os.Stat(filepath.Join(dir, name)); err != nil || info.Size() > 20 {
			t.Errorf("%s: %v, size over the cap of 20", name, err)
		}
	}
	var all, last bytes.Buffer
	Tail(dir, -1, &all)
	if got := all.String(); !strings.HasPrefix(got, "five\nsix\nseven\neight\nnine\n") || strings.Contains(got, "one") {
		t.Errorf("Tail(all) = %q, want the newest lines and not the rotated-away ones", got)
	}
	Tail(dir, 2, &last)
	if got := last.String(); got != "eight\nnine\n" {
		t.Errorf("Tail(2) = %q, want %q", got, "eight\nnine\n")
	}
}

func TestLastLines(t *testing.T) {
	for _, tt := range []struct {
		in   string
		n    int
		want string
	}{
		{"a\nb\nc\n", 1, "c\n"}, {"a\nb\nc", 2, "b\nc"}, {"a\n", 5, "a\n"}, {"", 3, ""}, {"a\nb\n", 0, ""}, {"a\nb\n", -1, "a\nb\n"},
	} {
		if got := string(lastLines([]byte(tt.in), tt.n)); got != tt.want {
			t.Errorf("lastLines(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
