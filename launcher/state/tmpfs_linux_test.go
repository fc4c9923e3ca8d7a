package state

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hclsandbox/sandbox/internal/testenv"
	"golang.org/x/sys/unix"
)

// diskDir is a new directory on a filesystem that is not a tmpfs, which
// the test removes.
func diskDir(t *testing.T) string {
	t.Helper()
	if base := t.TempDir(); !onTmpfs(base) {
		return base
	}
	// The temp directory is a tmpfs here; the package's own is on disk.
	base, err := os.MkdirTemp(".", "tmpfs-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	if onTmpfs(base) {
		t.Skip("no directory off tmpfs to mount on")
	}
	abs, err := filepath.Abs(base)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// mountsAt counts the mounts whose mount point is dir.
func mountsAt(dir string) int {
	n := 0
	for _, p := range strings.Split(testenv.MountPoints(), "\n") {
		if p == dir {
			n++
		}
	}
	return n
}

// unmountAll removes, when the test ends, whatever it mounted on dir.
func unmountAll(t *testing.T, dir string) {
	t.Cleanup(func() {
		for mountsAt(dir) > 0 {
			if err := unix.Unmount(dir, unix.MNT_DETACH); err != nil {
				t.Errorf("unmount %s: %v", dir, err)
				return
			}
		}
	})
}

// Callers that race on a missing state root mount exactly one tmpfs,
// root's alone, and no later caller stacks another.
func TestRootTmpfsMountedOnce(t *testing.T) {
	testenv.RequireRoot(t)
	dir := filepath.Join(diskDir(t), "run")
	unmountAll(t, dir)
	var wg sync.WaitGroup
	var mu sync.Mutex
	mounted := 0
	for range 8 {
		wg.Go(func() {
			ok, err := mountTmpfs(dir)
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				mounted++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if mounted != 1 || mountsAt(dir) != 1 {
		t.Fatalf("%d callers mounted, %d mounts on %s; want one", mounted, mountsAt(dir), dir)
	}
	if !onTmpfs(dir) {
		t.Fatalf("%s is not a tmpfs", dir)
	}
	var fs unix.Statfs_t
	if err := unix.Statfs(dir, &fs); err != nil {
		t.Fatal(err)
	}
	want := int64(unix.ST_NOSUID | unix.ST_NODEV | unix.ST_NOEXEC)
	if fs.Flags&want != want {
		t.Errorf("mount flags %#x, want nosuid, nodev and noexec", fs.Flags)
	}
	st, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o700 {
		t.Errorf("mode %v, want 0700", st.Mode().Perm())
	}
	if ok, err := mountTmpfs(dir); ok || err != nil {
		t.Errorf("a later call mounted again (%v, %v)", ok, err)
	}
}

// A state root that already holds state is never hidden under a mount,
// and no state directory but root's default is ever mounted on.
func TestRootTmpfsNotOverState(t *testing.T) {
	testenv.RequireRoot(t)
	dir := diskDir(t)
	unmountAll(t, dir)
	rec := filepath.Join(dir, "state.json")
	if err := os.WriteFile(rec, []byte("{}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if ok, err := mountTmpfs(dir); ok || err != nil {
		t.Fatalf("mounted over a directory with state (%v, %v)", ok, err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.Mkdir(empty, 0o700); err != nil {
		t.Fatal(err)
	}
	Dir{Root: empty}.PrepareRoot()
	if n := mountsAt(dir) + mountsAt(empty); n != 0 {
		t.Fatalf("%d mounts on state directories that are not root's default", n)
	}
	if _, err := os.Stat(rec); err != nil {
		t.Fatalf("the record is gone: %v", err)
	}
}
