package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher/state"
)

const completeHCL = `
sandbox "web" {
  command = ["/bin/true"]
}
sandbox "shard" {
  count   = 2
  command = ["/bin/true"]
}
`

// complete runs the shell's completion request for words in dir, with
// SANDBOX_RUN at run, and returns the candidates and the directive line.
func complete(t *testing.T, dir, run string, words ...string) (names []string, directive string) {
	t.Helper()
	t.Chdir(dir)
	var stdout, stderr bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, probeHost: fakeHost,
		lookupEnv: func(k string) (string, bool) {
			if k == "SANDBOX_RUN" {
				return run, true
			}
			return "", false
		}}
	if code := e.main(append([]string{"__complete"}, words...)); code != exitOK {
		t.Fatalf("__complete %q = exit %d: %s", words, code, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	return lines[:len(lines)-1], lines[len(lines)-1]
}

// The shells complete the sandbox names the files on the line declare,
// the files of the working directory when none is given, run's NAME
// after its FILE, and the names that have state for stop.
func TestCompleteNames(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "dev.hcl"), []byte(completeHCL), 0o644); err != nil {
		t.Fatal(err)
	}
	run := t.TempDir()
	if err := os.Chmod(run, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(run, state.ProjectsDir, config.ProjectFromDir(dir), "api"), 0o700); err != nil {
		t.Fatal(err)
	}
	all := []string{"web", "shard", "shard[0]", "shard[1]"}
	tests := []struct {
		words     []string
		want      []string
		directive string
	}{
		{[]string{"up", "dev.hcl", ""}, all, ":4"},
		{[]string{"plan", ""}, all, ":4"},
		{[]string{"up", "sh"}, []string{"shard", "shard[0]", "shard[1]"}, ":4"},
		{[]string{"run", "dev.hcl", "w"}, []string{"web"}, ":4"},
		{[]string{"run", ""}, nil, ":0"},  // FILE: the shell's files
		{[]string{"up", "zz"}, nil, ":0"}, // no name: the shell's files
		{[]string{"export", "bwrap", "dev.hcl", ""}, all, ":4"},
		{[]string{"stop", ""}, []string{"api"}, ":4"},
	}
	for _, tt := range tests {
		got, directive := complete(t, dir, run, tt.words...)
		if !slices.Equal(got, tt.want) || directive != tt.directive {
			t.Errorf("complete %q = %q %s, want %q %s", tt.words, got, directive, tt.want, tt.directive)
		}
	}
}
