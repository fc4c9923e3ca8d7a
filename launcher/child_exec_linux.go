package launcher

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/hclsandbox/sandbox/launcher/rootfs"
	"golang.org/x/sys/unix"
)

// childExe is the program the child runs, opened once per launcher: never
// a file on disk that a sandbox could write. A process inside a sandbox
// that reaches it (through /proc/PID/exe) finds a read-only mount, a
// sealed memfd or, in a sandbox without root, a file of root's that its
// ids cannot write (sharedChild), so it cannot replace what the host runs
// (CVE-2019-5736).
var childExe struct {
	once sync.Once
	fd   int
	err  error
	// warning says why the cached child is not used; the first start
	// that follows reports it.
	warning atomic.Pointer[string]
}

// childFDMin is the lowest fd number childExe may use: high enough
// that the fds handed to the child (0-4) never collide with it.
const childFDMin = 100

// childPath returns a path through which childExe can be executed:
// /proc/PID/fd/N of this process. Not /proc/self: a child cloned into a new
// pid namespace under load sometimes fails to exec through its own
// /proc/self/fd with EACCES (seen about once in a few hundred starts),
// while the launcher's own entry is stable for as long as it lives. A child
// in a new user namespace may not look into the launcher's fds, though, so
// it uses its own /proc/self/fd/N, which it inherited.
func childPath(userns bool) (string, error) {
	childExe.once.Do(func() {
		childExe.fd, childExe.err = childFD()
	})
	if childExe.err != nil {
		return "", childExe.err
	}
	if userns {
		return fmt.Sprintf("/proc/self/fd/%d", childExe.fd), nil
	}
	return fmt.Sprintf("/proc/%d/fd/%d", os.Getpid(), childExe.fd), nil
}

// childWarning returns, once, why the cached child is not used, or "".
func childWarning() string {
	if w := childExe.warning.Swap(nil); w != nil {
		return *w
	}
	return ""
}

// childFD is the fd of the program the child runs: the read-only cached
// child when this launcher runs as root and has one embedded; root's
// cached child, in place, when it runs without root and root vouched for
// that copy (sharedChild); else a sealed memfd copy. A cached child that
// root cannot trust is a warning.
func childFD() (int, error) {
	if os.Geteuid() != 0 {
		if fd, err := sharedChild(childDigest, sharedChildDir); err == nil {
			return fd, nil
		}
		return sealedCopy()
	}
	dir := filepath.Join(rootfs.Home(), "bin")
	fd, err := readonlyChild(childBinary, childDigest, dir)
	if err == nil {
		if dir == sharedChildDir {
			shareChildDir(dir)
		}
		var high int
		high, err = unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, childFDMin)
		unix.Close(fd)
		if err == nil {
			return high, nil
		}
		err = fmt.Errorf("move the cached child's descriptor to %d or above: %w", childFDMin, err)
	}
	if !errors.Is(err, errNoCachedChild) {
		w := fmt.Sprintf("the sandbox child runs from a sealed copy in memory, not from SANDBOX_HOME: %v", err)
		childExe.warning.Store(&w)
	}
	return sealedCopy()
}

// sealedCopy copies the child program into a memfd and seals it.
func sealedCopy() (int, error) {
	fd, err := unix.MemfdCreate("sandbox", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return -1, fmt.Errorf("create memfd for the launcher binary: %w", err)
	}
	mem := os.NewFile(uintptr(fd), "sandbox-memfd")
	defer mem.Close()
	if err := copySelf(mem); err != nil {
		return -1, err
	}
	seals := unix.F_SEAL_SEAL | unix.F_SEAL_SHRINK | unix.F_SEAL_GROW | unix.F_SEAL_WRITE
	if _, err := unix.FcntlInt(mem.Fd(), unix.F_ADD_SEALS, seals); err != nil {
		return -1, fmt.Errorf("seal the launcher binary's memfd: %w", err)
	}
	high, err := unix.FcntlInt(mem.Fd(), unix.F_DUPFD_CLOEXEC, childFDMin)
	if err != nil {
		return -1, fmt.Errorf("move the launcher binary's memfd: %w", err)
	}
	return high, nil
}

// copySelf writes the child program into dst: the embedded sandbox-init
// when this binary has one, else this binary itself.
func copySelf(dst *os.File) error {
	if len(childBinary) > 0 {
		if copyEmbedded(dst, childBinary) {
			return nil
		}
		if _, err := dst.Write(childBinary); err != nil {
			return fmt.Errorf("copy the sandbox child into a memfd: %w", err)
		}
		return nil
	}
	src, err := os.Open("/proc/self/exe")
	if err != nil {
		return fmt.Errorf("open the launcher binary: %w", err)
	}
	defer src.Close()
	if _, err := io.Copy(dst, src); err != nil {
		return fmt.Errorf("copy the launcher binary into a memfd: %w", err)
	}
	return nil
}

// copyEmbedded copies b, bytes embedded in this binary, from the binary's
// file with sendfile(2), kernel to kernel: writing them from memory would
// fault all of the child's 2.6 MB into the launcher, which then counts
// them in its resident size for as long as it lives. It reports false,
// having written nothing, when b cannot be found in the file.
func copyEmbedded(dst *os.File, b []byte) bool {
	if len(b) < 64 {
		return false
	}
	off, ok := fileOffset(b)
	if !ok {
		return false
	}
	src, err := os.Open("/proc/self/exe")
	if err != nil {
		return false
	}
	defer src.Close()
	head := make([]byte, 64)
	if _, err := src.ReadAt(head, off); err != nil || !bytes.Equal(head, b[:len(head)]) {
		return false
	}
	for done := 0; done < len(b); {
		n, err := unix.Sendfile(int(dst.Fd()), int(src.Fd()), &off, len(b)-done)
		if err != nil || n == 0 {
			dst.Truncate(0)
			dst.Seek(0, io.SeekStart)
			return false
		}
		done += n
	}
	return true
}

// fileOffset finds where b lies in this executable's file: b is part of
// the binary's read-only data, mapped from the file, so the mapping of
// /proc/self/maps that holds its address gives the offset.
func fileOffset(b []byte) (int64, bool) {
	addr := uint64(uintptr(unsafe.Pointer(unsafe.SliceData(b))))
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(maps), "\n") {
		// start-end perms offset dev inode path
		f := strings.Fields(line)
		if len(f) < 6 {
			continue
		}
		lo, hi, ok := strings.Cut(f[0], "-")
		start, err1 := strconv.ParseUint(lo, 16, 64)
		end, err2 := strconv.ParseUint(hi, 16, 64)
		offset, err3 := strconv.ParseUint(f[2], 16, 64)
		if !ok || err1 != nil || err2 != nil || err3 != nil {
			continue
		}
		if addr >= start && addr+uint64(len(b)) <= end {
			return int64(offset + addr - start), true
		}
	}
	return 0, false
}
