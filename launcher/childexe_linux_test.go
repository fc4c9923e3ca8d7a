package launcher

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

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
	dir := filepath.Join(t.TempDir(), "bin")
	fd, err := readonlyChild(bin, "v1", dir)
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
	cached := filepath.Join(dir, "sandbox-init-v1")
	if got, err := os.ReadFile(cached); err != nil || string(got) != string(bin) {
		t.Errorf("the cached copy is not the program (%v)", err)
	}
	// Another version replaces it; a directory others may write is refused.
	fd2, err := readonlyChild(bin, "v2", dir)
	if err != nil {
		t.Fatalf("readonlyChild(v2) = %v", err)
	}
	unix.Close(fd2)
	if _, err := os.Stat(cached); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the copy of v1 is still there: %v", err)
	}
	open := filepath.Join(t.TempDir(), "bin")
	os.Mkdir(open, 0o777)
	os.Chmod(open, 0o777)
	if fd, err := readonlyChild(bin, "v1", open); err == nil {
		unix.Close(fd)
		t.Error("readonlyChild() cached the child in a directory anyone may write")
	}
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
