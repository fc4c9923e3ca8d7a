package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// TestExamples validates and plans every example, and checks that they
// are formatted, as .ci/run does.
func TestExamples(t *testing.T) {
	examples, _ := filepath.Glob("../../examples/*.hcl")
	if len(examples) == 0 {
		t.Fatal("no examples")
	}
	for _, p := range examples {
		for _, args := range [][]string{{"validate", p}, {"plan", p}, {"plan", "--json", p}} {
			var stdout, stderr bytes.Buffer
			e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr,
				lookupEnv: func(string) (string, bool) { return "", false }, probeHost: fakeHost}
			if code := e.main(args); code != exitOK {
				t.Errorf("sandbox %s = exit %d:\n%s", strings.Join(args, " "), code, stderr.String())
			}
		}
	}
	var stdout, stderr bytes.Buffer
	e := &env{stdout: &stdout, stderr: &stderr}
	if code := e.main([]string{"fmt", "--check", "../../examples"}); code != exitOK {
		t.Errorf("sandbox fmt --check examples = exit %d:\n%s%s", code, stdout.String(), stderr.String())
	}
}
