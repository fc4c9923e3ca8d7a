package rootfs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/config"
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
	e, err := c.Ensure(t.Context(), tarball, digest, "")
	if err != nil || !e.Unpacked {
		t.Fatalf("first Ensure() = %+v, %v; want an unpacked entry", e, err)
	}
	dir := e.Dir
	if want := filepath.Join(c.Dir, "sha256-"+digest+"-nodev"); dir != want {
		t.Errorf("entry = %s, want %s", dir, want)
	}
	if !strings.Contains(progress.String(), "unpacking root.tar.gz") {
		t.Errorf("progress = %q, want a bar naming the tarball", progress.String())
	}
	progress.Reset()
	e, err = c.Ensure(t.Context(), tarball, digest, "")
	if err != nil || e.Unpacked || e.Dir != dir || progress.Len() != 0 {
		t.Errorf("second Ensure() = %+v, %v, progress %q; want the cached entry, quietly", e, err, progress.String())
	}
	os.Chmod(filepath.Join(dir, "ro"), 0o755)
}

func TestCacheLeavesNoHalfEntry(t *testing.T) {
	bad := makeTar(t, tarEntry{name: "ok", body: "x"}, tarEntry{name: "/abs", body: "y"})
	tarball, digest := writeTarball(t, bad)
	c := &Cache{Dir: filepath.Join(t.TempDir(), "rootfs")}
	if _, err := c.Ensure(t.Context(), tarball, digest, ""); err == nil || !strings.Contains(err.Error(), tarball) {
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
	if _, err := c.Ensure(t.Context(), tarball, wrong, ""); err == nil || !strings.Contains(err.Error(), "changed") {
		t.Errorf("Ensure() with another digest = %v, want a changed-tarball error", err)
	}
	if entries, _ := os.ReadDir(c.Dir); len(entries) != 0 {
		t.Errorf("cache holds %v, want nothing", entries)
	}
}

// TestCacheRemovesStaleUnpacks: an unpack directory whose unpacker is
// gone goes; one whose unpacker holds its lock, another launcher filling
// it now, stays.
func TestCacheRemovesStaleUnpacks(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, ".unpack-sha256-0123-1")
	os.MkdirAll(filepath.Join(stale, "half"), 0o755)
	live, release, err := claimUnpackDir(dir, strings.Repeat("0", 64))
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	removeStale(dir, nil)
	if _, err := os.Stat(stale); err == nil {
		t.Errorf("the unpack directory of a dead unpacker %s was kept", stale)
	}
	if _, err := os.Stat(live); err != nil {
		t.Errorf("the unpack directory %s of a live unpacker was removed: %v", live, err)
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
	planted := filepath.Join(c.Dir, "sha256-"+digest+"-nodev")
	for _, p := range []string{filepath.Join(alice, "home"), c.Dir, planted} {
		os.Mkdir(p, 0o755)
		os.Chown(p, 65534, 65534)
	}
	e, err := c.Ensure(t.Context(), tarball, digest, "")
	if err == nil && strings.HasPrefix(e.Dir, planted) {
		t.Fatalf("Ensure() returned the entry that uid 65534 planted: %s", e.Dir)
	}
	if err == nil || !strings.Contains(err.Error(), alice+" belongs to another user") || !strings.Contains(err.Error(), "uid 65534") ||
		!strings.Contains(err.Error(), "mode 0755") {
		t.Errorf("Ensure() = %+v, %v; want an error naming %s, its owner and mode", e, err, alice)
	}
}

// TestCacheIsRootsOnly: the cache directory is made, or made again, 0700,
// and an entry that is not a directory is refused.
func TestCacheIsRootsOnly(t *testing.T) {
	tarball, digest := writeTarball(t, gzipped(t, basicTree(t)))
	c := &Cache{Dir: filepath.Join(t.TempDir(), "rootfs")}
	os.Mkdir(c.Dir, 0o755)
	os.Chmod(c.Dir, 0o755)
	e, err := c.Ensure(t.Context(), tarball, digest, "")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(filepath.Join(e.Dir, "ro"), 0o755)
	if info, err := os.Stat(c.Dir); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("cache directory: %v, %v; want mode 0700", info, err)
	}
	other := filepath.Join(c.Dir, "sha256-"+strings.Repeat("1", 64)+"-nodev")
	os.Symlink(e.Dir, other)
	if got, err := c.Ensure(t.Context(), tarball, strings.Repeat("1", 64), ""); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("Ensure() of a symlinked entry = %+v, %v; want it refused", got, err)
	}
}

// TestCacheDeviceRules: an entry serves only the rules it satisfies. A
// tarball with device nodes unpacked with them left out never serves
// "refuse", which then fails; "keep" unpacks again, as root with the nodes.
func TestCacheDeviceRules(t *testing.T) {
	tarball, digest := writeTarball(t, devicesTar(t))
	c := &Cache{Dir: filepath.Join(t.TempDir(), "rootfs")}
	skipped, err := c.Ensure(t.Context(), tarball, digest, config.DevicesSkip)
	if err != nil || skipped.Devices.Skipped != 2 || !strings.HasSuffix(skipped.Dir, "-skipped") {
		t.Fatalf("Ensure(skip) = %+v, %v; want 2 skipped in a -skipped entry", skipped, err)
	}
	if e, err := c.Ensure(t.Context(), tarball, digest, config.DevicesRefuse); err == nil || !strings.Contains(err.Error(), "device node") {
		t.Errorf("Ensure(refuse) = %+v, %v; want the device nodes refused", e, err)
	}
	kept, err := c.Ensure(t.Context(), tarball, digest, config.DevicesKeep)
	if os.Geteuid() == 0 && (err != nil || kept.Devices.Made != 2 || !strings.HasSuffix(kept.Dir, "-devices")) {
		t.Errorf("Ensure(keep) = %+v, %v; want 2 made in a -devices entry", kept, err)
	}
	if again, err := c.Ensure(t.Context(), tarball, digest, config.DevicesSkip); err != nil || again.Unpacked || again.Dir != skipped.Dir {
		t.Errorf("Ensure(skip) again = %+v, %v; want the -skipped entry", again, err)
	}
	assertNoUnpackDirs(t, c.Dir)
}

// TestCacheConcurrentUnpacks: launchers that unpack the same tarball at
// once each get the entry, and none of their unpack directories remain.
func TestCacheConcurrentUnpacks(t *testing.T) {
	tarball, digest := writeTarball(t, gzipped(t, basicTree(t)))
	c := &Cache{Dir: filepath.Join(t.TempDir(), "rootfs")}
	errs := make(chan error, 4)
	dirs := make(chan string, 4)
	for range 4 {
		go func() {
			e, err := c.Ensure(t.Context(), tarball, digest, "")
			errs <- err
			if err == nil {
				dirs <- e.Dir
			}
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Errorf("Ensure() = %v", err)
		}
	}
	close(dirs)
	for d := range dirs {
		if d != filepath.Join(c.Dir, "sha256-"+digest+"-nodev") {
			t.Errorf("entry = %s", d)
		}
		os.Chmod(filepath.Join(d, "ro"), 0o755)
	}
	assertNoUnpackDirs(t, c.Dir)
}

// TestCacheInterruptedUnpack: an unpack whose context ends leaves no
// unpack directory and no entry, and says why.
func TestCacheInterruptedUnpack(t *testing.T) {
	tarball, digest := writeTarball(t, gzipped(t, basicTree(t)))
	c := &Cache{Dir: filepath.Join(t.TempDir(), "rootfs")}
	ctx, cancel := context.WithCancelCause(t.Context())
	cancel(errors.New("interrupted"))
	if e, err := c.Ensure(ctx, tarball, digest, ""); err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("Ensure() = %+v, %v; want it interrupted", e, err)
	}
	if entries, _ := os.ReadDir(c.Dir); len(entries) != 0 {
		t.Errorf("cache holds %v after an interrupted unpack, want nothing", entries)
	}
}

func assertNoUnpackDirs(t *testing.T, dir string) {
	t.Helper()
	if left, _ := filepath.Glob(filepath.Join(dir, ".unpack-*")); len(left) != 0 {
		t.Errorf("unpack directories left behind: %v", left)
	}
}

// TestCacheSweepsOnEveryStart: a start that finds its entry cached still
// removes what a dead unpacker left.
func TestCacheSweepsOnEveryStart(t *testing.T) {
	tarball, digest := writeTarball(t, gzipped(t, basicTree(t)))
	c := &Cache{Dir: filepath.Join(t.TempDir(), "rootfs")}
	e, err := c.Ensure(t.Context(), tarball, digest, "")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(filepath.Join(e.Dir, "ro"), 0o755)
	os.Mkdir(filepath.Join(c.Dir, ".unpack-sha256-dead-1"), 0o700)
	if e, err := c.Ensure(t.Context(), tarball, digest, ""); err != nil || e.Unpacked {
		t.Fatalf("Ensure() = %+v, %v; want the cached entry", e, err)
	}
	assertNoUnpackDirs(t, c.Dir)
}
