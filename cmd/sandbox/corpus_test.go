package main

import (
	"bytes"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hclsandbox/sandbox/launcher/cgroups"

	"github.com/hclsandbox/sandbox/launcher"
	"github.com/rogpeppe/go-internal/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden plans of the valid corpus")

// special sections of a corpus case, which are not configuration files.
var special = map[string]bool{"want": true, "vars": true, "varfiles": true, "env": true, "plan.json": true, "args": true}

// corpusCase is one txtar case shared with the config package's tests.
type corpusCase struct {
	path    string
	archive *txtar.Archive
}

func readCase(t *testing.T, path string) *corpusCase {
	t.Helper()
	a, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return &corpusCase{path: path, archive: a}
}

func (c *corpusCase) section(name string) []byte {
	for _, f := range c.archive.Files {
		if f.Name == name {
			return f.Data
		}
	}
	return nil
}

// extract writes the configuration files into a fresh directory, enters it
// and returns it.
func (c *corpusCase) extract(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range c.archive.Files {
		if special[f.Name] {
			continue
		}
		p := filepath.Join(dir, f.Name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	return dir
}

// testEnv is a command environment with captured output, the case's
// environment variables and a fixed host.
func (c *corpusCase) testEnv() (*env, *bytes.Buffer, *bytes.Buffer) {
	vars := map[string]string{}
	for _, l := range lines(c.section("env")) {
		k, v, _ := strings.Cut(l, "=")
		vars[k] = v
	}
	var stdout, stderr bytes.Buffer
	e := &env{
		stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr,
		lookupEnv: func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
		probeHost: fakeHost,
	}
	return e, &stdout, &stderr
}

// args turns the case's vars and varfiles sections into flags.
func (c *corpusCase) args(cmd string) []string {
	args := []string{cmd}
	for _, v := range lines(c.section("vars")) {
		args = append(args, "--var", v)
	}
	for _, v := range lines(c.section("varfiles")) {
		args = append(args, "--var-file", v)
	}
	args = append(args, lines(c.section("args"))...)
	return args
}

func lines(b []byte) []string {
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
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
			c.extract(t)
			for _, cmd := range []string{"validate", "plan"} {
				e, stdout, stderr := c.testEnv()
				args := append(c.args(cmd), ".")
				if code := e.main(args); code != exitInvalidConfig {
					t.Errorf("sandbox %s = exit %d, want %d", strings.Join(args, " "), code, exitInvalidConfig)
				}
				if want := c.section("want"); stderr.String() != string(want) {
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
			dir := c.extract(t)
			e, stdout, stderr := c.testEnv()
			args := append(c.args("plan"), "--json", ".")
			if code := e.main(args); code != exitOK {
				t.Fatalf("sandbox %s = exit %d:\n%s", strings.Join(args, " "), code, stderr)
			}
			got := strings.ReplaceAll(stdout.String(), dir, "$WORK")
			if *update {
				c.setSection(t, "plan.json", []byte(got))
				return
			}
			if want := string(c.section("plan.json")); got != want {
				t.Errorf("plan --json:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// setSection replaces (or adds) a section and rewrites the case file.
func (c *corpusCase) setSection(t *testing.T, name string, data []byte) {
	t.Helper()
	found := false
	for i := range c.archive.Files {
		if c.archive.Files[i].Name == name {
			c.archive.Files[i].Data, found = data, true
		}
	}
	if !found {
		c.archive.Files = append(c.archive.Files, txtar.File{Name: name, Data: data})
	}
	if err := os.WriteFile(c.path, txtar.Format(c.archive), 0o644); err != nil {
		t.Fatal(err)
	}
}
