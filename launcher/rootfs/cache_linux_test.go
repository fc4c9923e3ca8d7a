package rootfs

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/internal/testenv"
)

func writeTarball(t *testing.T, b []byte) (path, digest string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "root.tar.gz")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return path, hex.EncodeToString(sum[:])
}

func TestCacheUnpacksOnce(t *testing.T) {
	tarball, digest := writeTarball(t, gzipped(t, basicTree(t)))
	var progress bytes.Buffer
	c := &Cache{Dir: filepath.Join(t.TempDir(), "rootfs"), Progress: &progress}
	dir, unpacked, err := c.Ensure(tarball, digest)
	if err != nil || !unpacked {
		t.Fatalf("first Ensure() = %q, %v, %v; want an unpacked entry", dir, unpacked, err)
	}
	if want := filepath.Join(c.Dir, "sha256-"+digest); dir != want {
		t.Errorf("entry = %s, want %s", dir, want)
	}
	if !strings.Contains(progress.String(), "unpacking root.tar.gz") {
		t.Errorf("progress = %q, want a bar naming the tarball", progress.String())
	}
	progress.Reset()
	_, unpacked, err = c.Ensure(tarball, digest)
	if err != nil || unpacked || progress.Len() != 0 {
		t.Errorf("second Ensure() unpacked=%v err=%v progress=%q; want the cached entry, quietly", unpacked, err, progress.String())
	}
	os.Chmod(filepath.Join(dir, "ro"), 0o755)
}

func TestCacheLeavesNoHalfEntry(t *testing.T) {
	bad := makeTar(t, tarEntry{name: "ok", body: "x"}, tarEntry{name: "/abs", body: "y"})
	tarball, digest := writeTarball(t, bad)
	c := &Cache{Dir: filepath.Join(t.TempDir(), "rootfs")}
	if _, _, err := c.Ensure(tarball, digest); err == nil || !strings.Contains(err.Error(), tarball) {
		t.Errorf("Ensure() = %v, want an error naming %s", err, tarball)
	}
	if entries, _ := os.ReadDir(c.Dir); len(entries) != 0 {
		t.Errorf("cache holds %v after a failed unpack, want nothing", entries)
	}
}

func TestCacheRefusesChangedTarball(t *testing.T) {
	tarball, _ := writeTarball(t, basicTree(t))
	wrong := strings.Repeat("0", 64)
	c := &Cache{Dir: filepath.Join(t.TempDir(), "rootfs")}
	if _, _, err := c.Ensure(tarball, wrong); err == nil || !strings.Contains(err.Error(), "changed") {
		t.Errorf("Ensure() with another digest = %v, want a changed-tarball error", err)
	}
	if entries, _ := os.ReadDir(c.Dir); len(entries) != 0 {
		t.Errorf("cache holds %v, want nothing", entries)
	}
}

func TestCacheRemovesStaleUnpacks(t *testing.T) {
	c := &Cache{Dir: t.TempDir()}
	stale := filepath.Join(c.Dir, ".unpack-sha256-0123-1")
	fresh := filepath.Join(c.Dir, ".unpack-sha256-0123-2")
	os.MkdirAll(filepath.Join(stale, "half"), 0o755)
	os.Mkdir(fresh, 0o755)
	old := time.Now().Add(-2 * staleAfter)
	os.Chtimes(stale, old, old)
	c.removeStale(c.Dir, time.Now().Add(-staleAfter))
	if _, err := os.Stat(stale); err == nil {
		t.Errorf("stale unpack directory %s was kept", stale)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("fresh unpack directory %s was removed: another launcher may be filling it", fresh)
	}
}

// TestCacheOfAnotherUser is the attack of another local user on a
// SANDBOX_HOME below a directory of theirs: they plant a cache entry for
// the tarball's digest, a tree of their making. Root must not run it as
// the rootfs: Ensure refuses the cache, naming the directory at fault, its
// owner and mode.
func TestCacheOfAnotherUser(t *testing.T) {
	testenv.RequireRoot(t)
	tarball, digest := writeTarball(t, gzipped(t, basicTree(t)))
	top := t.TempDir()
	alice := filepath.Join(top, "alice")
	os.Chmod(top, 0o755)
	os.Mkdir(alice, 0o755)
	os.Chown(alice, 65534, 65534)
	c := &Cache{Dir: filepath.Join(alice, "home", "rootfs")}
	planted := c.EntryDir(digest)
	for _, p := range []string{filepath.Join(alice, "home"), c.Dir, planted} {
		os.Mkdir(p, 0o755)
		os.Chown(p, 65534, 65534)
	}
	dir, _, err := c.Ensure(tarball, digest)
	if dir == planted && err == nil {
		t.Fatalf("Ensure() returned the entry that uid 65534 planted: %s", dir)
	}
	if err == nil || !strings.Contains(err.Error(), alice+" belongs to another user") || !strings.Contains(err.Error(), "uid 65534") ||
		!strings.Contains(err.Error(), "mode 0755") {
		t.Errorf("Ensure() = %q, %v; want an error naming %s, its owner and mode", dir, err, alice)
	}
}

// TestCacheIsRootsOnly: the cache directory is made, or made again, 0700,
// and an entry that is not a directory is refused.
func TestCacheIsRootsOnly(t *testing.T) {
	tarball, digest := writeTarball(t, gzipped(t, basicTree(t)))
	c := &Cache{Dir: filepath.Join(t.TempDir(), "rootfs")}
	os.Mkdir(c.Dir, 0o755)
	os.Chmod(c.Dir, 0o755)
	dir, _, err := c.Ensure(tarball, digest)
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(filepath.Join(dir, "ro"), 0o755)
	if info, err := os.Stat(c.Dir); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("cache directory: %v, %v; want mode 0700", info, err)
	}
	other := c.EntryDir(strings.Repeat("1", 64))
	os.Symlink(dir, other)
	if got, _, err := c.Ensure(tarball, strings.Repeat("1", 64)); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("Ensure() of a symlinked entry = %q, %v; want it refused", got, err)
	}
}
