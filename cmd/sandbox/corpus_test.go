package main

import (
	"bytes"
	"flag"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hclsandbox/sandbox/internal/corpus"
	"github.com/hclsandbox/sandbox/launcher/cgroups"

	"github.com/hclsandbox/sandbox/launcher"
)

var update = flag.Bool("update", false, "rewrite the golden plans of the valid corpus")

// corpusCase is one txtar case shared with the config package's tests
// (see internal/corpus).
type corpusCase struct{ *corpus.Case }

func readCase(t *testing.T, path string) *corpusCase {
	return &corpusCase{corpus.Read(t, path)}
}

// testEnv is a command environment with captured output, the case's
// environment variables and a fixed host.
func (c *corpusCase) testEnv() (*env, *bytes.Buffer, *bytes.Buffer) {
	var stdout, stderr bytes.Buffer
	e := &env{
		stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr,
		lookupEnv: c.Env(),
		probeHost: fakeHost,
	}
	return e, &stdout, &stderr
}

// args turns the case's vars and varfiles sections into flags.
func (c *corpusCase) args(cmd string) []string {
	args := []string{cmd}
	for _, v := range c.Lines("vars") {
		args = append(args, "--var", v)
	}
	for _, v := range c.Lines("varfiles") {
		args = append(args, "--var-file", v)
	}
	args = append(args, c.Lines("args")...)
	return args
}

// fakeHost is a merged-/usr host whose /etc allowlist is complete, with
// cgroup v2 and every controller sandboxes use, so that the golden plans
// show each sandbox's cgroup.
func fakeHost() *launcher.Host {
	m := fstest.MapFS{"usr": {Mode: fs.ModeDir | 0o755}}
	for _, d := range []string{"bin", "sbin", "lib", "lib64"} {
		m[d] = &fstest.MapFile{Mode: fs.ModeSymlink | 0o777, Data: []byte("usr/" + d)}
	}
	cgroups := cgroups.CgroupHost{Version: 2, Root: "/sys/fs/cgroup", Controllers: []string{"cpu", "io", "memory", "pids"}}
	return &launcher.Host{EUID: 0, Term: "xterm", FS: hostFS{m}, Arch: "amd64", Cgroups: cgroups}
}

// hostFS adapts an fstest.MapFS to absolute host paths.
type hostFS struct{ m fstest.MapFS }

func (h hostFS) Lstat(name string) (fs.FileInfo, error) {
	return h.m.Lstat(strings.TrimPrefix(name, "/"))
}

func (h hostFS) Readlink(name string) (string, error) {
	return h.m.ReadLink(strings.TrimPrefix(name, "/"))
}

// TestInvalidCorpusCLI checks that every invalid configuration makes
// validate and plan exit 1 and print the expected diagnostics.
func TestInvalidCorpusCLI(t *testing.T) {
	paths, _ := filepath.Glob("../../config/testdata/invalid/*.txtar")
	if len(paths) == 0 {
		t.Fatal("no invalid corpus")
	}
	for _, p := range paths {
		abs, _ := filepath.Abs(p)
		t.Run(strings.TrimSuffix(filepath.Base(p), ".txtar"), func(t *testing.T) {
			c := readCase(t, abs)
			c.Extract(t)
			for _, cmd := range []string{"validate", "plan"} {
				e, stdout, stderr := c.testEnv()
				args := append(c.args(cmd), ".")
				if code := e.main(args); code != exitInvalidConfig {
					t.Errorf("sandbox %s = exit %d, want %d", strings.Join(args, " "), code, exitInvalidConfig)
				}
				if want := c.Section("want"); stderr.String() != string(want) {
					t.Errorf("sandbox %s printed:\n%s\nwant:\n%s", cmd, stderr, want)
				}
				if stdout.Len() != 0 {
					t.Errorf("sandbox %s wrote to stdout:\n%s", cmd, stdout)
				}
			}
		})
	}
}

// TestValidCorpusPlans compares `sandbox plan --json` of every valid
// configuration with its golden plan.json section; -update rewrites them.
func TestValidCorpusPlans(t *testing.T) {
	paths, _ := filepath.Glob("../../config/testdata/valid/*.txtar")
	if len(paths) == 0 {
		t.Fatal("no valid corpus")
	}
	for _, p := range paths {
		abs, _ := filepath.Abs(p)
		t.Run(strings.TrimSuffix(filepath.Base(p), ".txtar"), func(t *testing.T) {
			c := readCase(t, abs)
			dir := c.Extract(t)
			e, stdout, stderr := c.testEnv()
			args := append(c.args("plan"), "--json", ".")
			if code := e.main(args); code != exitOK {
				t.Fatalf("sandbox %s = exit %d:\n%s", strings.Join(args, " "), code, stderr)
			}
			got := strings.ReplaceAll(stdout.String(), dir, "$WORK")
			if *update {
				c.SetSection(t, "plan.json", []byte(got))
				return
			}
			if want := string(c.Section("plan.json")); got != want {
				t.Errorf("plan --json:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}
