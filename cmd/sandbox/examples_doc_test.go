package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var rootfsRef = regexp.MustCompile(`"\./rootfs/([a-z0-9_-]+)[^"]*"`)

// TestExamplesDocumented checks that every example opens with a comment
// that names it, says what it shows and how to run it, and names the make
// target that builds any root filesystem it needs.
func TestExamplesDocumented(t *testing.T) {
	examples, _ := filepath.Glob("../../examples/*.hcl")
	for _, p := range examples {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(p), ".hcl")
		header := leadingComment(string(data))
		if !strings.HasPrefix(header, "# "+name+": ") {
			t.Errorf("%s: the first line is not %q", p, "# "+name+": what it shows")
		}
		if !strings.Contains(header, "sandbox up ") && !strings.Contains(header, "sandbox plan ") && !strings.Contains(header, "sandbox test ") {
			t.Errorf("%s: the opening comment does not say how to run it (sandbox up ...)", p)
		}
		for _, m := range rootfsRef.FindAllStringSubmatch(string(data), -1) {
			if !strings.Contains(header, "make rootfs-"+m[1]) {
				t.Errorf("%s: uses ./rootfs/%s but the opening comment does not say make rootfs-%s", p, m[1], m[1])
			}
		}
	}
}

// leadingComment returns the lines of src up to the first that is not a
// comment.
func leadingComment(src string) string {
	var b strings.Builder
	for _, line := range strings.Split(src, "\n") {
		if !strings.HasPrefix(line, "#") {
			break
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}
