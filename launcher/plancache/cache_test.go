package plancache

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hclsandbox/sandbox/config"
)

// fixture is a cache in a temporary directory, a configuration directory,
// an environment, and a count of the loads that ran.
type fixture struct {
	t     *testing.T
	cache *Cache
	dir   string
	env   map[string]string
	loads int
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	return &fixture{t: t, cache: &Cache{Dir: filepath.Join(t.TempDir(), "plancache"), Build: []byte("build 1"), noMargin: true},
		dir: t.TempDir(), env: map[string]string{}}
}

func (f *fixture) write(name, text string) string {
	f.t.Helper()
	p := filepath.Join(f.dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		f.t.Fatal(err)
	}
	return p
}

func (f *fixture) lookup(name string) (string, bool) {
	v, ok := f.env[name]
	return v, ok
}

// load loads paths with opts through the cache, failing on diagnostics
// with errors; hit says whether the load was skipped.
func (f *fixture) load(paths []string, opts config.Options) (cfg *config.Config, hit bool) {
	f.t.Helper()
	opts.LookupEnv = f.lookup
	count := func(p []string, o config.Options) (*config.Config, hcl.Diagnostics) {
		f.loads++
		return config.LoadWith(p, o)
	}
	cfg, diags, hit := f.cache.Load(paths, opts, count)
	if diags.HasErrors() {
		f.t.Fatalf("load %v: %v", paths, diags)
	}
	return cfg, hit
}

// comparable is cfg as a hit gives it: parsed files reduced to their
// bytes, no origins.
func comparable(cfg *config.Config) *config.Config {
	c := cached(cfg)
	c.Files = map[string]*hcl.File{}
	for name, f := range cfg.Files {
		c.Files[name] = &hcl.File{Bytes: f.Bytes}
	}
	return c
}

// TestHitEqualsMiss: every example that loads without a diagnostic is
// loaded from the cache the second time, and the configuration is the one
// the load gives, field for field.
func TestHitEqualsMiss(t *testing.T) {
	examples, _ := filepath.Glob("../../examples/*.hcl")
	waitSettled(t, "../../examples")
	hits := 0
	for _, ex := range examples {
		f := newFixture(t)
		f.cache.noMargin = false // the examples directory is old: stored with the margin
		abs, _ := filepath.Abs(ex)
		miss, hit := f.load([]string{abs}, config.Options{})
		if hit {
			t.Fatalf("%s: the first load was a hit", ex)
		}
		again, hit := f.load([]string{abs}, config.Options{})
		if _, diags := config.LoadWith([]string{abs}, config.Options{}); len(diags) > 0 {
			if hit {
				t.Errorf("%s: a load with diagnostics was stored", ex)
			}
			continue
		}
		if !hit || f.loads != 1 {
			t.Errorf("%s: second load hit %v after %d loads, want a hit after 1", ex, hit, f.loads)
			continue
		}
		hits++
		if want := comparable(miss); !reflect.DeepEqual(again, want) {
			t.Errorf("%s: the hit's configuration differs from the load's:\n got %#v\nwant %#v", ex, again, want)
		}
	}
	if hits < len(examples)/2 {
		t.Errorf("%d of %d examples were cached, want most", hits, len(examples))
	}
}

// TestMissOnEveryInput: a change of any input of the load (a file it read,
// a listing that decides which files it reads, a flag, an environment
// variable it looked up, the program, the paths or the directory they are
// relative to) is a miss that loads the new configuration; the next start
// is a hit again.
func TestMissOnEveryInput(t *testing.T) {
	tests := []struct {
		name   string
		change func(f *fixture, o *config.Options, paths *[]string)
	}{
		{"configuration", func(f *fixture, _ *config.Options, _ *[]string) {
			f.write("web.hcl", webHCL+"# an edit\n")
		}},
		{"env_file", func(f *fixture, _ *config.Options, _ *[]string) { f.write("web.env", "MODE=prod\n") }},
		{"file()", func(f *fixture, _ *config.Options, _ *[]string) { f.write("motd.txt", "changed") }},
		{"auto.vars added", func(f *fixture, _ *config.Options, _ *[]string) { f.write("x.auto.vars", "tag = \"auto\"\n") }},
		{"var-file content", func(f *fixture, o *config.Options, _ *[]string) {
			o.VarFiles = []string{f.write("more.vars", "tag = \"one\"\n")}
		}},
		{"--var", func(_ *fixture, o *config.Options, _ *[]string) { o.Vars = []string{"tag=flag"} }},
		{"SANDBOX_VAR_", func(f *fixture, _ *config.Options, _ *[]string) { f.env["SANDBOX_VAR_tag"] = "env" }},
		{"env()", func(f *fixture, _ *config.Options, _ *[]string) { f.env["GREETING"] = "hi" }},
		{"env() unset", func(f *fixture, _ *config.Options, _ *[]string) { delete(f.env, "HOME_HINT") }},
		{"build", func(f *fixture, _ *config.Options, _ *[]string) { f.cache.Build = []byte("build 2") }},
		{"directory", func(f *fixture, _ *config.Options, p *[]string) { *p = []string{f.dir} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.env["HOME_HINT"] = "set"
			paths := []string{f.fixtureFiles()}
			opts := config.Options{}
			f.load(paths, opts)
			if _, hit := f.load(paths, opts); !hit {
				t.Fatalf("the second load was not a hit")
			}
			tt.change(f, &opts, &paths)
			if tt.name == "var-file content" { // first with the file, then a change of its content
				f.load(paths, opts)
				f.write("more.vars", "tag = \"two\"\n")
			}
			loads := f.loads
			after, hit := f.load(paths, opts)
			if hit || f.loads != loads+1 {
				t.Fatalf("after the change: hit %v, loads %d, want a miss that loads", hit, f.loads-loads)
			}
			if want, _ := config.LoadWith(paths, config.Options{Vars: opts.Vars, VarFiles: opts.VarFiles, LookupEnv: f.lookup}); !reflect.DeepEqual(after.Sandboxes, want.Sandboxes) {
				t.Errorf("after the change the sandboxes are not the load's")
			}
			if _, hit := f.load(paths, opts); !hit {
				t.Errorf("the load after the miss was not stored")
			}
		})
	}
}

// waitSettled waits until dir last changed racyMargin ago, so that loads
// of its files are stored.
func waitSettled(t *testing.T, dir string) {
	st, err := stampOf(dir)
	if err != nil {
		t.Fatal(err)
	}
	if wait := time.Until(time.Unix(0, max(st.Mtime, st.Ctime)).Add(racyMargin + 10*time.Millisecond)); wait > 0 {
		time.Sleep(wait)
	}
}

// TestRecentDirectoryNotStored: the load of a directory that changed
// within racyMargin is not stored, since a file added in the same tick of
// the clock would leave its stamp as it was.
func TestRecentDirectoryNotStored(t *testing.T) {
	f := newFixture(t)
	f.cache.noMargin = false
	p := f.fixtureFiles()
	for range 2 {
		if _, hit := f.load([]string{p}, config.Options{}); hit {
			t.Errorf("a load of a directory changed just now was a hit")
		}
	}
}

// TestNewFileInDirectory: a configuration file added to a directory given
// as the configuration is a miss that loads it.
func TestNewFileInDirectory(t *testing.T) {
	f := newFixture(t)
	f.fixtureFiles()
	f.load([]string{f.dir}, config.Options{})
	f.write("db.hcl", "sandbox \"db\" {\n  command = [\"/bin/true\"]\n}\n")
	cfg, hit := f.load([]string{f.dir}, config.Options{})
	if hit || len(cfg.Sandboxes) != 2 {
		t.Errorf("after adding db.hcl: hit %v, %d sandboxes, want a miss with 2", hit, len(cfg.Sandboxes))
	}
}

const webHCL = `variable "tag" {
  default = "default"
}
sandbox "web" {
  command  = ["/bin/echo", var.tag, file("motd.txt"), env("GREETING"), env("HOME_HINT")]
  env_file = ["web.env"]
}
`

// fixtureFiles writes a configuration that reads every kind of input, and
// returns its path.
func (f *fixture) fixtureFiles() string {
	f.write("web.env", "MODE=dev\n")
	f.write("motd.txt", "hello")
	return f.write("web.hcl", webHCL)
}

// TestRelativePathsKeyTheDirectory: the same relative path from another
// working directory is another configuration.
func TestRelativePathsKeyTheDirectory(t *testing.T) {
	f := newFixture(t)
	f.fixtureFiles()
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "web.hcl"), []byte("sandbox \"web\" {\n  command = [\"/bin/other\"]\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(f.dir)
	f.load([]string{"web.hcl"}, config.Options{})
	t.Chdir(other)
	cfg, hit := f.load([]string{"web.hcl"}, config.Options{})
	if hit || cfg.Sandboxes[0].Command[0] != "/bin/other" {
		t.Errorf("web.hcl from another directory: hit %v, command %q", hit, cfg.Sandboxes[0].Command)
	}
}

// TestNotStored: a load with a diagnostic (a warning too), a failed read
// that try() swallowed, or a configuration read from a pipe is not stored.
func TestNotStored(t *testing.T) {
	tests := map[string]string{
		"warning":     "variable \"v\" {\n  default = 1\n}\nsandbox \"w\" {\n  command = [\"/bin/true\"]\n}\n",
		"failed read": "sandbox \"w\" {\n  command = [try(file(\"missing\"), \"/bin/true\")]\n}\n",
	}
	for name, src := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			p := f.write("w.hcl", src)
			if name == "warning" {
				f.write("w.auto.vars", "undeclared = 1\n")
			}
			for range 2 {
				f.cache.Load([]string{p}, config.Options{}, config.LoadWith)
			}
			if names, _ := filepath.Glob(filepath.Join(f.cache.Dir, "*")); len(names) > 0 {
				t.Errorf("stored %v", names)
			}
		})
	}
}

// TestOptionsOfTheirOwn: a caller that reads the files itself (up
// --watch) or observes the reads loads without the cache.
func TestOptionsOfTheirOwn(t *testing.T) {
	f := newFixture(t)
	p := f.fixtureFiles()
	for _, opts := range []config.Options{{ReadFile: config.ReadSource}, {Observe: func(string, []byte, error) {}}} {
		for range 2 {
			if _, hit := f.load([]string{p}, opts); hit {
				t.Errorf("a load with its own ReadFile or Observe was a hit")
			}
		}
	}
}

// TestFromEnv: SANDBOX_PLAN_CACHE=off turns the cache off; otherwise it
// lives in the state root.
func TestFromEnv(t *testing.T) {
	env := func(v string) func(string) (string, bool) {
		return func(k string) (string, bool) { return v, k == Env && v != "" }
	}
	if c := FromEnv(env("off"), "/run/x"); c != nil {
		t.Errorf("FromEnv(off) = %+v, want nil", c)
	}
	c := FromEnv(env(""), "/run/x")
	if c == nil || c.Dir != "/run/x/plancache" || len(c.Build) == 0 {
		t.Errorf("FromEnv() = %+v, want a cache in /run/x/plancache", c)
	}
	if !slices.Equal(c.Build, FromEnv(nil, "/run/x").Build) {
		t.Errorf("the build of this program changed")
	}
}
