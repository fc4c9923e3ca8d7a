package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTestAndVerifyExitCodes checks the exit codes of test and verify
// that need no sandbox to start: 1 for nothing to test, 2 for a bad
// command line, 125 for a receipt that cannot be read.
func TestTestAndVerifyExitCodes(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.hcl")
	os.WriteFile(plain, []byte("sandbox \"p\" {\n  command = [\"/bin/true\"]\n}\n"), 0o644)
	for _, tt := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"test", plain}, exitInvalidConfig, "nothing to test"},
		{[]string{"test", "--json", "--tap", plain}, exitUsage, "give one"},
		{[]string{"test", "--parallel", "-1", plain}, exitUsage, "--parallel"},
		{[]string{"verify", filepath.Join(dir, "none.json")}, exitSetup, "read receipt"},
		{[]string{"verify"}, exitUsage, "requires at least 1 arg"},
	} {
		var stdout, stderr bytes.Buffer
		e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr,
			lookupEnv: func(string) (string, bool) { return "", false }, probeHost: fakeHost}
		if code := e.main(tt.args); code != tt.code || !strings.Contains(stderr.String(), tt.msg) {
			t.Errorf("sandbox %s = exit %d, %q; want %d and %q", strings.Join(tt.args, " "), code, stderr.String(), tt.code, tt.msg)
		}
	}
}
