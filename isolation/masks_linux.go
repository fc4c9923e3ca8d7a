package isolation

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// maskPaths hides each path that exists: a directory under an empty
// read-only tmpfs, anything else under /dev/null. Run after pivot_root, on
// the sandbox's own /proc and /sys.
func maskPaths(paths []string) *StepError {
	for _, p := range paths {
		info, err := os.Lstat(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return stepErr("mask "+p, err)
		}
		if info.IsDir() {
			err = unix.Mount("tmpfs", p, "tmpfs", unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "size=0,mode=0555")
		} else {
			err = unix.Mount("/dev/null", p, "", unix.MS_BIND, "")
		}
		if err != nil {
			return stepErr("mask "+p, err)
		}
	}
	return nil
}

// readonlyFlags are the mount flags of a read-only path.
var readonlyFlags = []string{"ro", "nosuid", "nodev", "noexec"}

// readonlyPaths makes each existing path a read-only bind of itself.
func readonlyPaths(paths []string) *StepError {
	for _, p := range paths {
		if _, err := os.Lstat(p); errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err := unix.Mount(p, p, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return stepErr("make "+p+" read-only", err)
		}
		// Through a handle, and recursively: a remount by path would make
		// only the top of the recursive bind read-only.
		f, err := os.OpenFile(p, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err == nil {
			err = setMountAttrs(f, readonlyFlags)
			f.Close()
		}
		if err != nil {
			return stepErr("make "+p+" read-only", err)
		}
	}
	return nil
}
