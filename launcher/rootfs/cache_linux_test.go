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
	c.removeStale(time.Now().Add(-staleAfter))
	if _, err := os.Stat(stale); err == nil {
		t.Errorf("stale unpack directory %s was kept", stale)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("fresh unpack directory %s was removed: another launcher may be filling it", fresh)
	}
}
