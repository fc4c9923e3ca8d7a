package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// maxGoLines is the most lines a Go file may have: a file is one concern,
// and a longer one holds more than one.
const maxGoLines = 400

// generated is the first-line mark of a file a program writes (Go's
// convention), which nobody reads as code: such a file is exempt.
var generated = regexp.MustCompile(`^// Code generated .* DO NOT EDIT\.\n`)

// TestGoFilesShort: no Go file of the repository, tests included, is
// longer than maxGoLines, unless it is generated.
func TestGoFilesShort(t *testing.T) {
	err := filepath.WalkDir("../..", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && d.Name() != "." && d.Name() != ".." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if n := bytes.Count(b, []byte("\n")); n > maxGoLines && !generated.Match(b) {
			t.Errorf("%s has %d lines, more than %d: split it by concern", p, n, maxGoLines)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
