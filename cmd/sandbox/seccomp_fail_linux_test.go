package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/launcher"
)

// TestSeccompCompileFailureStops: where the default profile does not
// compile (here, for an architecture without a syscall table), validate
// and plan fail naming the problem and its place, and run refuses to
// start with exit code 125: never a warning and a sandbox without its
// filter.
func TestSeccompCompileFailureStops(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "rootfs"), 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "web.hcl")
	src := "sandbox \"web\" {\n  rootfs  = \"./rootfs\"\n  command = [\"/bin/true\"]\n}\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"SANDBOX_RUN": filepath.Join(dir, "run"), "SANDBOX_HOME": filepath.Join(dir, "home")}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"validate", file}, exitInvalidConfig, "web.hcl:1:1: error: Seccomp filter does not compile"},
		{[]string{"plan", file}, exitInvalidConfig, "no syscall table for architecture \"riscv64\""},
		{[]string{"plan", "--json", file}, exitInvalidConfig, "set seccomp = \"unconfined\""},
		{[]string{"run", file, "web"}, exitSetup, "web: build seccomp filter: compile the default seccomp profile for riscv64"},
	} {
		var stdout, stderr bytes.Buffer
		e := &env{
			stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr,
			lookupEnv: func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
			probeHost: func() *launcher.Host {
				h := fakeHost()
				h.Arch = "riscv64"
				return h
			},
		}
		code := e.main(tc.args)
		if code != tc.code || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("sandbox %s = exit %d, stderr:\n%s\nwant exit %d and %q", strings.Join(tc.args, " "), code, stderr.String(), tc.code, tc.want)
		}
		if stdout.Len() > 0 {
			t.Errorf("sandbox %s printed %q, want nothing on stdout", strings.Join(tc.args, " "), stdout.String())
		}
	}
}
