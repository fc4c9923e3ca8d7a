package launcher

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/testenv"
)

// Checklist 38: a bind source that a payload replaced by a symlink is
// refused, never followed: the first run plants the link through its
// writable bind, the second binds what is now the link.
func TestBindSourceSymlinkPlanted(t *testing.T) {
	testenv.RequireRoot(t)
	rootfs := testenv.Rootfs(t)
	project := t.TempDir()
	work := filepath.Join(project, "work")
	if err := os.MkdirAll(filepath.Join(work, "cache"), 0o755); err != nil {
		t.Fatal(err)
	}
	first := sandboxFor(rootfs, "symlink", "/oldroot", "/work/cache.new")
	first.Dir = project
	first.Mounts = []config.Mount{{Type: "bind", Source: work, Target: "/work"}}
	out, res := runSandbox(t, first)
	if res.ExitCode != 0 || !strings.Contains(out, "symlink: ok") {
		t.Fatalf("first run: exit %d (%s), %s", res.ExitCode, res.Describe(), out)
	}
	// What the payload did through the bind, swapped in place as a
	// payload would with rename(2).
	if err := os.Rename(filepath.Join(work, "cache.new"), filepath.Join(work, "cache.old")); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(work, "cache"))
	if err := os.Rename(filepath.Join(work, "cache.old"), filepath.Join(work, "cache")); err != nil {
		t.Fatal(err)
	}
	canary := "sandbox-canary-" + filepath.Base(project)
	if err := os.WriteFile(filepath.Join("/tmp", canary), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(filepath.Join("/tmp", canary))

	for _, m := range []config.Mount{
		{Type: "bind", Source: filepath.Join(work, "cache"), Target: "/cache"},
		{Type: "bind", Source: filepath.Join(work, "cache"), Target: "/cache", Readonly: true},
		{Type: "overlay", Source: filepath.Join(work, "cache"), Target: "/cache"},
		{Type: "bind", Source: filepath.Join(work, "cache", "tmp"), Target: "/cache"},
	} {
		t.Run(m.Type+"-"+filepath.Base(m.Source), func(t *testing.T) {
			second := sandboxFor(rootfs, "list", "/cache")
			second.Dir = project
			second.Mounts = []config.Mount{m}
			out, res := runSandbox(t, second)
			if strings.Contains(out, canary) || strings.Contains(out, "\nproc\n") {
				t.Fatalf("the second run sees the host's / through %s:\n%s", m.Source, out)
			}
			if res.ExitCode != 125 || !strings.Contains(res.Describe(), filepath.Join(work, "cache")) {
				t.Errorf("second run: exit %d (%s), want 125 naming %s", res.ExitCode, res.Describe(), filepath.Join(work, "cache"))
			}
		})
	}
}

// Checklist 38: a directory rootfs or a persistent state directory that
// became a symlink is refused the same way.
func TestRootSourceSymlinkPlanted(t *testing.T) {
	testenv.RequireRoot(t)
	project := t.TempDir()
	real := testenv.Rootfs(t)
	link := filepath.Join(project, "rootfs")
	if err := os.Symlink("/", link); err != nil {
		t.Fatal(err)
	}
	for _, mode := range config.RootfsModes {
		t.Run(mode, func(t *testing.T) {
			s := sandboxFor(link, "list", "/")
			s.Dir = project
			s.RootfsOptions.Mode = mode
			if mode == config.RootfsPersistent {
				s.Rootfs = real
				s.RootfsOptions.StateDir = filepath.Join(project, "state")
				os.Remove(s.RootfsOptions.StateDir)
				if err := os.Symlink("/", s.RootfsOptions.StateDir); err != nil {
					t.Fatal(err)
				}
			}
			out, res := runSandbox(t, s)
			if res.ExitCode != 125 {
				t.Errorf("exit %d (%s), want 125; saw:\n%s", res.ExitCode, res.Describe(), out)
			}
		})
	}
}
