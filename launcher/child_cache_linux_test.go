package launcher

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/hclsandbox/sandbox/internal/fsverity"
	"github.com/hclsandbox/sandbox/internal/testenv"
	"golang.org/x/sys/unix"
)

// TestReadonlyChild caches a program, executes it through the read-only
// handle, and checks that the handle cannot be opened for writing, not
// even by root, while the cached file keeps its content.
func TestReadonlyChild(t *testing.T) {
	testenv.RequireRoot(t)
	bin, err := os.ReadFile("/bin/true")
	if err != nil {
		t.Skip("needs /bin/true")
	}
	v1 := digestOf(bin)
	dir := filepath.Join(t.TempDir(), "bin")
	fd, err := readonlyChild(bin, v1, dir)
	if err != nil {
		t.Fatalf("readonlyChild() = %v", err)
	}
	defer unix.Close(fd)
	path := "/proc/self/fd/" + strconv.Itoa(fd)
	cmd := exec.Command(path)
	cmd.Args = []string{"true"} // busybox, as some hosts' /bin/true is, goes by argv[0]
	if err := cmd.Run(); err != nil {
		t.Errorf("executing %s: %v", path, err)
	}
	for _, flags := range []int{os.O_WRONLY, os.O_RDWR | os.O_TRUNC} {
		f, err := os.OpenFile(path, flags, 0)
		if err == nil {
			f.Close()
			t.Fatalf("the cached child opened for writing (flags %#x)", flags)
		}
		if !errors.Is(err, unix.EROFS) {
			t.Errorf("opening it for writing: %v, want EROFS", err)
		}
	}
	cached := filepath.Join(dir, "sandbox-init-"+v1)
	if got, err := os.ReadFile(cached); err != nil || string(got) != string(bin) {
		t.Errorf("the cached copy is not the program (%v)", err)
	}
	if _, err := os.Lstat(cached + checkedSuffix); err != nil {
		t.Errorf("no record of the checked copy: %v", err)
	}
	// Another version replaces it; a directory others may write is refused.
	bin2 := append(bin[:len(bin):len(bin)], 0)
	fd2, err := readonlyChild(bin2, digestOf(bin2), dir)
	if err != nil {
		t.Fatalf("readonlyChild(v2) = %v", err)
	}
	unix.Close(fd2)
	for _, old := range []string{cached, cached + checkedSuffix} {
		if _, err := os.Lstat(old); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s of v1 is still there: %v", old, err)
		}
	}
	open := filepath.Join(t.TempDir(), "bin")
	os.Mkdir(open, 0o777)
	os.Chmod(open, 0o777)
	if fd, err := readonlyChild(bin, v1, open); err == nil {
		unix.Close(fd)
		t.Error("readonlyChild() cached the child in a directory anyone may write")
	}
}

func digestOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// TestCachedChildChecked changes the cached child in each way that must
// stop root from executing it, in a directory that is safe: each time
// readonlyChild refuses it, saying why.
func TestCachedChildChecked(t *testing.T) {
	testenv.RequireRoot(t)
	bin := []byte("#!/bin/sh\nexit 0\n")
	digest := digestOf(bin)
	for name, c := range map[string]struct {
		change func(path string) error
		want   string
	}{
		"another owner":  {func(p string) error { return os.Chown(p, 65534, 65534) }, "owner uid 65534"},
		"group writable": {func(p string) error { return os.Chmod(p, 0o575) }, "mode 0575"},
		"same size, other bytes": {func(p string) error {
			return writeAs(p, []byte("#!/bin/sh\nexit 7\n"))
		}, "has sha256"},
		"a symlink": {func(p string) error {
			os.Remove(p)
			return os.Symlink("/bin/true", p)
		}, "too many levels of symbolic links"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "bin")
			fd, err := readonlyChild(bin, digest, dir)
			if err != nil {
				t.Fatalf("first readonlyChild() = %v", err)
			}
			unix.Close(fd)
			if err := c.change(filepath.Join(dir, "sandbox-init-"+digest)); err != nil {
				t.Fatal(err)
			}
			fd, err = readonlyChild(bin, digest, dir)
			if err == nil {
				unix.Close(fd)
				t.Fatal("readonlyChild() used the changed copy")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("readonlyChild() = %v, want an error saying %q", err, c.want)
			}
		})
	}
}

// writeAs writes b over the file at path in place, keeping its inode,
// owner and mode, as a process that may write it would.
func writeAs(path string, b []byte) error {
	if err := os.Chmod(path, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(path, b, 0); err != nil {
		return err
	}
	return os.Chmod(path, 0o555)
}

// TestSandboxRunsTheCachedChild runs an init sandbox whose child is the
// cached read-only copy, as a make build binary does, with the exe-write
// attack inside: the sandbox works, nothing is opened for writing, and the
// cached copy is unchanged.
func TestSandboxRunsTheCachedChild(t *testing.T) {
	testenv.RequireRoot(t)
	self, err := os.ReadFile("/proc/self/exe")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(self)
	home := t.TempDir()
	t.Setenv("SANDBOX_HOME", home)
	oldBin, oldDigest := childBinary, childDigest
	childBinary, childDigest = self, hex.EncodeToString(sum[:])
	resetChild := func() {
		if childExe.fd > 0 {
			unix.Close(childExe.fd)
		}
		childExe.once, childExe.fd, childExe.err = sync.Once{}, 0, nil
	}
	resetChild()
	t.Cleanup(func() { resetChild(); childBinary, childDigest = oldBin, oldDigest })

	s := sandboxFor(testenv.Rootfs(t), "exe-write")
	init := true
	s.Init = &init
	checkExeWriteRefused(t, s)
	cached := filepath.Join(home, "bin", "sandbox-init-"+childDigest)
	if got, err := os.ReadFile(cached); err != nil || sha256.Sum256(got) != sum {
		t.Errorf("the cached child %s is missing or changed (%v)", cached, err)
	}
	if f, err := os.OpenFile("/proc/self/fd/"+strconv.Itoa(childExe.fd), os.O_WRONLY, 0); !errors.Is(err, unix.EROFS) {
		if err == nil {
			f.Close()
		}
		t.Errorf("the launcher's handle on the child opens for writing: %v, want EROFS", err)
	}
}

// useCachedChild makes this test binary the embedded child, as a make
// build binary has one, for the rest of the test, and forgets any child
// the launcher opened before.
func useCachedChild(t *testing.T) (digest string) {
	t.Helper()
	self, err := os.ReadFile("/proc/self/exe")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(self)
	oldBin, oldDigest := childBinary, childDigest
	childBinary, childDigest = self, hex.EncodeToString(sum[:])
	forgetChild()
	t.Cleanup(func() { forgetChild(); childBinary, childDigest = oldBin, oldDigest })
	return childDigest
}

// forgetChild closes the child the launcher opened, so that the next start
// opens it again.
func forgetChild() {
	if childExe.fd > 0 {
		unix.Close(childExe.fd)
	}
	childExe.once, childExe.fd, childExe.err = sync.Once{}, 0, nil
}

// asNobody runs a shell script as uid and gid 65534, another local user.
func asNobody(t *testing.T, script string) {
	t.Helper()
	if out, err := nobody(t, "set -e; "+script).CombinedOutput(); err != nil {
		t.Fatalf("as uid 65534: %s: %v\n%s", script, err, out)
	}
}

// TestPlantedChildIsNeverRun is the attack of another local user on a
// SANDBOX_HOME below a directory of theirs: after root's first run has
// cached the child there, they move root's directory aside and plant a
// script of the same size under the cached child's name. Root's next run
// must not execute it (its payload writes a marker file), and says why it
// does not use the cache.
func TestPlantedChildIsNeverRun(t *testing.T) {
	testenv.RequireRoot(t)
	digest := useCachedChild(t)
	top := t.TempDir()
	alice := filepath.Join(top, "alice")
	for _, err := range []error{os.Chmod(top, 0o755), os.Mkdir(alice, 0o755), os.Chown(alice, 65534, 65534)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	home := filepath.Join(alice, "sandbox")
	t.Setenv("SANDBOX_HOME", home)
	rootfs := testenv.Rootfs(t)
	warnings := runExit0(t, rootfs)

	marker := filepath.Join(top, "ran-as-root")
	script := fmt.Sprintf("#!/bin/sh\necho planted >%s\nexit 0\n", marker)
	plant := filepath.Join(top, "plant")
	if err := os.WriteFile(plant, []byte(script+strings.Repeat("\n", len(childBinary)-len(script))), 0o755); err != nil {
		t.Fatal(err)
	}
	asNobody(t, fmt.Sprintf("[ ! -e %[1]s ] || mv %[1]s %[1]s.old; mkdir -p %[1]s/bin; cp %[2]s %[1]s/bin/sandbox-init-%[3]s",
		home, plant, digest))
	forgetChild()
	warnings = append(warnings, runExit0(t, rootfs)...)
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("root executed the child that uid 65534 planted in SANDBOX_HOME")
	}
	if !slices.ContainsFunc(warnings, func(w string) bool { return strings.Contains(w, alice) && strings.Contains(w, "65534") }) {
		t.Errorf("warnings = %q, want one naming %s and its owner, uid 65534", warnings, alice)
	}
}

// runExit0 runs the probe's "exit 0" in rootfs and returns its warnings.
func runExit0(t *testing.T, rootfs string) []string {
	t.Helper()
	proc, res, err := startPlan(t, NewPlan(sandboxFor(rootfs, "exit", "0"), probeTestHost()), Stdio{})
	if err != nil || res != nil {
		t.Fatalf("Start() = %v, %v", res, err)
	}
	if r := proc.Wait(); r.ExitCode != 0 {
		t.Fatalf("exit code %d (%s)", r.ExitCode, r.Describe())
	}
	return proc.Warnings()
}

// BenchmarkCachedChild is what each launcher pays, once, to reach the
// cached child: the checks of its directory, owner, mode and content, the
// read-only mount handle. The child is a 2.6 MB file, as cmd/sandbox-init is.
func BenchmarkCachedChild(b *testing.B) {
	testenv.RequireRoot(b)
	bin := make([]byte, 2600<<10)
	for i := range bin {
		bin[i] = byte(i * 7)
	}
	sum := sha256.Sum256(bin)
	digest := hex.EncodeToString(sum[:])
	dir := filepath.Join(b.TempDir(), "bin")
	for b.Loop() {
		fd, err := readonlyChild(bin, digest, dir)
		if err != nil {
			b.Fatal(err)
		}
		unix.Close(fd)
	}
}

// TestCachedChildVerity: where the filesystem has fs-verity, the cached
// child gets it and is checked by the kernel's measure of it; elsewhere
// (this host's ext4, usually) the hash and its record check it still.
func TestCachedChildVerity(t *testing.T) {
	testenv.RequireRoot(t)
	bin := []byte("#!/bin/sh\nexit 0\n")
	sum := fsverity.Digest(bin)
	old := childVerity
	childVerity = hex.EncodeToString(sum[:])
	t.Cleanup(func() { childVerity = old })
	dir := filepath.Join(t.TempDir(), "bin")
	fd, err := readonlyChild(bin, digestOf(bin), dir)
	if err != nil {
		t.Fatalf("readonlyChild() = %v", err)
	}
	unix.Close(fd)
	f, err := os.Open(filepath.Join(dir, "sandbox-init-"+digestOf(bin)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := fsverity.Measure(int(f.Fd()))
	if errors.Is(err, fsverity.ErrNotVerity) {
		if _, err := os.Lstat(f.Name() + checkedSuffix); err != nil {
			t.Errorf("without fs-verity, no record of the hash: %v", err)
		}
		t.Skip("the temp directory's filesystem has no fs-verity; the hash checked the copy")
	}
	if err != nil || hex.EncodeToString(m) != childVerity {
		t.Errorf("the cached copy measures %x, %v; want fs-verity on with digest %s", m, err, childVerity)
	}
}

// TestCachedChildWarningSaysWhy: when the cached child opens but its
// descriptor cannot be moved out of the way of the child's own (no
// descriptor at childFDMin or above is allowed), the warning names that
// failure; it used to end in "<nil>".
func TestCachedChildWarningSaysWhy(t *testing.T) {
	testenv.RequireRoot(t)
	t.Setenv("SANDBOX_HOME", t.TempDir())
	useCachedChild(t)
	var old unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &old); err != nil {
		t.Fatal(err)
	}
	low := old
	low.Cur = childFDMin
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &low); err != nil {
		t.Fatal(err)
	}
	fd, err := childFD()
	if rerr := unix.Setrlimit(unix.RLIMIT_NOFILE, &old); rerr != nil {
		t.Fatal(rerr)
	}
	if err == nil {
		unix.Close(fd)
	}
	w := childWarning()
	if !strings.Contains(w, "move the cached child's descriptor") || strings.Contains(w, "<nil>") {
		t.Errorf("warning = %q, want one saying the descriptor could not be moved", w)
	}
}
