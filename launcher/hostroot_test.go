package launcher

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/config"
)

// TestHostRootRefused: a rootfs that is the host's / under a name the
// configuration cannot see through (a symlink to /, a relative symlink
// that climbs to it, /proc/self/root) is refused by Validate, without
// privileges, and again at start by PrepareRootfs.
func TestHostRootRefused(t *testing.T) {
	if _, err := os.Stat("/proc/self/root"); err != nil {
		t.Skip("needs /proc")
	}
	dir := t.TempDir()
	os.Symlink("/", filepath.Join(dir, "abs"))
	os.Symlink(strings.Repeat("../", strings.Count(dir, "/")+2), filepath.Join(dir, "rel"))
	os.Mkdir(filepath.Join(dir, "real"), 0o755)
	for _, p := range []string{filepath.Join(dir, "abs"), filepath.Join(dir, "rel"), "/proc/self/root", filepath.Join(dir, "abs", ".")} {
		s := &config.Sandbox{Name: "s", Rootfs: p, Dir: dir, File: filepath.Join(dir, "s.hcl")}
		if d := Validate([]*config.Sandbox{s}); !strings.Contains(d.Error(), "Host root as rootfs") {
			t.Errorf("Validate(rootfs %s) = %v, want it refused", p, d)
		}
		if _, err := PrepareRootfs(t.Context(), s, PrepareOptions{Home: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "host's root directory") {
			t.Errorf("PrepareRootfs(rootfs %s) = %v, want it refused", p, err)
		}
	}
	s := &config.Sandbox{Name: "s", Rootfs: filepath.Join(dir, "real"), Dir: dir, File: filepath.Join(dir, "s.hcl")}
	if d := Validate([]*config.Sandbox{s}); d.HasErrors() {
		t.Errorf("Validate(a directory) = %v", d)
	}
}
