package launcher

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/testenv"
)

// Checklist 39: a configured mount whose target a rootfs symlink turns
// into the sandbox's /dev, /proc or /sys is refused.
func TestMountTargetIntoKernelFS(t *testing.T) {
	testenv.RequireRoot(t)
	host := t.TempDir()
	for _, dir := range []string{"/dev", "/proc", "/sys", "/dev/pts"} {
		t.Run(strings.ReplaceAll(dir, "/", "_"), func(t *testing.T) {
			rootfs := testenv.Rootfs(t)
			if err := os.MkdirAll(filepath.Join(rootfs, "var"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(dir, filepath.Join(rootfs, "var", "cache")); err != nil {
				t.Fatal(err)
			}
			s := sandboxFor(rootfs, "exit", "0")
			s.Mounts = []config.Mount{{Type: "bind", Source: host, Target: "/var/cache"}}
			_, res := runSandbox(t, s)
			if res.ExitCode != 125 || !strings.Contains(res.Describe(), "/var/cache") {
				t.Errorf("exit %d (%s), want 125 naming /var/cache", res.ExitCode, res.Describe())
			}
		})
	}
}

// Checklist 39: masked paths read empty even when the rootfs plants files
// where the null device and the masked paths would be.
func TestMasksWithPlantedFiles(t *testing.T) {
	testenv.RequireRoot(t)
	rootfs := testenv.Rootfs(t)
	for _, p := range []string{"dev/null", "proc/kcore", "proc/keys"} {
		full := filepath.Join(rootfs, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte("planted by the rootfs"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := probe(t, sandboxFor(rootfs))
	for p, n := range r.Masked {
		if n > 0 {
			t.Errorf("%s shows %d bytes or entries inside, want none", p, n)
		}
	}
}
