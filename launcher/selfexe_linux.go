package launcher

import (
	"fmt"
	"io"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// The child is re-executed from a sealed in-memory copy of this binary, never
// from the file on disk: a process inside a sandbox that reaches the
// launcher's executable (through /proc/PID/exe) finds a memfd that no one can
// write, so it cannot replace the host's binary (CVE-2019-5736).
var sealed struct {
	once sync.Once
	fd   int
	err  error
}

// sealedSelfFD is the lowest fd number the sealed copy may use: high enough
// that the fds handed to the child (0-4) never collide with it.
const sealedSelfFD = 100

// sealedSelf returns a path through which the sealed copy can be executed:
// /proc/PID/fd/N of this process. Not /proc/self: a child cloned into a new
// pid namespace under load sometimes fails to exec through its own
// /proc/self/fd with EACCES (seen about once in a few hundred starts),
// while the launcher's own entry is stable for as long as it lives. A child
// in a new user namespace may not look into the launcher's fds, though, so
// it uses its own /proc/self/fd/N, which it inherited.
func sealedSelf(userns bool) (string, error) {
	sealed.once.Do(func() {
		sealed.fd, sealed.err = makeSealedSelf()
	})
	if sealed.err != nil {
		return "", sealed.err
	}
	if userns {
		return fmt.Sprintf("/proc/self/fd/%d", sealed.fd), nil
	}
	return fmt.Sprintf("/proc/%d/fd/%d", os.Getpid(), sealed.fd), nil
}

func makeSealedSelf() (int, error) {
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
	high, err := unix.FcntlInt(mem.Fd(), unix.F_DUPFD_CLOEXEC, sealedSelfFD)
	if err != nil {
		return -1, fmt.Errorf("move the launcher binary's memfd: %w", err)
	}
	return high, nil
}

// copySelf writes the child program into dst: the embedded sandbox-init
// when this binary has one, else this binary itself.
func copySelf(dst *os.File) error {
	if len(childBinary) > 0 {
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
