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
			if code := e.main(args); code != exitOK && !unbuiltRootfs(args[0], stderr.String()) {
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

// unbuiltRootfs reports whether validate failed only because an example's
// root filesystem under examples/rootfs, which a make target builds, is
// not built yet: validate checks it exists, as up does.
func unbuiltRootfs(verb, stderr string) bool {
	if verb != "validate" || !onlyMissingPaths(stderr) {
		return false
	}
	return strings.Count(stderr, "/examples/rootfs/") >= strings.Count(stderr, ": error: ")
}

// onlyMissingPaths reports whether every error of a failed validate is a
// host path that does not exist: a rootfs or a mount source.
func onlyMissingPaths(stderr string) bool {
	errors := strings.Count(stderr, ": error: ")
	missing := strings.Count(stderr, ": error: Missing root filesystem\n") +
		strings.Count(stderr, ": error: Missing mount source\n")
	return errors > 0 && errors == missing && strings.Count(stderr, "does not exist") == missing
}
