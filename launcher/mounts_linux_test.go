package launcher

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/testenv"
	"golang.org/x/sys/unix"
)

// Checklist 4: a read-only bind is read-only all the way down, submounts
// of its source included.
func TestReadonlyBindSubmounts(t *testing.T) {
	testenv.RequireRoot(t)
	src := t.TempDir()
	sub := filepath.Join(src, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount("probe-sub", sub, "tmpfs", 0, "size=64k"); err != nil {
		t.Fatal(err)
	}
	defer unix.Unmount(sub, unix.MNT_DETACH)
	s := sandboxFor(testenv.Rootfs(t))
	s.Mounts = []config.Mount{{Type: "bind", Source: src, Target: "/ro", Readonly: true}}
	r := probe(t, s)
	for _, target := range []string{"/ro", "/ro/sub"} {
		opts, ok := mountOptions(r.Mounts, target)
		if !ok || !strings.HasPrefix(opts+",", "ro,") {
			t.Errorf("%s is mounted %q (found %v), want ro", target, opts, ok)
		}
	}
}

// Every runtime brings lo up in a private network namespace.
func TestLoopbackUp(t *testing.T) {
	testenv.RequireRoot(t)
	out, res := runSandbox(t, sandboxFor(testenv.Rootfs(t), "loopback"))
	if res.ExitCode != 0 || strings.TrimSpace(out) != "loopback: ok" {
		t.Errorf("exit %d (%s): %s, want loopback: ok", res.ExitCode, res.Describe(), out)
	}
}

// /tmp and /dev/shm have a size, not half the host's memory.
func TestTmpfsSizes(t *testing.T) {
	testenv.RequireRoot(t)
	s := sandboxFor(testenv.Rootfs(t))
	s.Limits = &config.Limits{Memory: 96 << 20, Strict: true}
	r := probe(t, s)
	for target, want := range map[string]string{"/dev/shm": "size=65536k", "/tmp": "size=98304k"} {
		var opts string
		for _, m := range r.Mounts {
			if f := strings.Fields(m); len(f) >= 4 && f[1] == target {
				opts = m
			}
		}
		if !strings.Contains(opts, want) {
			t.Errorf("%s is %q, want %s", target, opts, want)
		}
	}
}
