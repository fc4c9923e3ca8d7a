package isolation

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// openNull opens the new root's /dev/null before pivot_root, resolved
// inside it, and checks that it is the character device 1:3: masks are
// binds of it, and a mask of anything else would not mask. (After
// pivot_root the old root is detached, and a mount that is no longer in
// this namespace cannot be bound.)
func openNull(root *os.File) (*os.File, error) {
	f, err := openInRoot(root, "/dev/null")
	if err != nil {
		return nil, err
	}
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		f.Close()
		return nil, err
	}
	if st.Mode&unix.S_IFMT != unix.S_IFCHR || unix.Major(st.Rdev) != 1 || unix.Minor(st.Rdev) != 3 {
		f.Close()
		return nil, fmt.Errorf("/dev/null is not the null device (char 1:3) but mode %#o, %d:%d", st.Mode, unix.Major(st.Rdev), unix.Minor(st.Rdev))
	}
	return f, nil
}

// maskPaths hides each path that exists: a directory under an empty
// read-only tmpfs, anything else under the null device. Run after
// pivot_root, on the sandbox's own /proc and /sys; null is the verified
// null device.
func maskPaths(paths []string, null *os.File) *StepError {
	for _, p := range paths {
		if err := mask(p, null); err != nil {
			return stepErr("mask "+p, err)
		}
	}
	return nil
}

func mask(p string, null *os.File) error {
	fd, err := unix.Open(p, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if errors.Is(err, unix.ENOENT) {
		return nil
	}
	if err != nil {
		return err
	}
	target := os.NewFile(uintptr(fd), p)
	defer target.Close()
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return err
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		return unix.Mount("tmpfs", fdIn("/proc", target), "tmpfs", unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "size=0,mode=0555")
	case unix.S_IFLNK:
		return errors.New("is a symlink")
	}
	return bindFrom(null, target, nil, "/proc")
}

// readonlyFlags are the mount flags of a read-only path.
var readonlyFlags = []string{"ro", "nosuid", "nodev", "noexec"}

// readonlyPaths makes each existing path a read-only bind of itself,
// recursively: a remount by path would make only the top mount read-only.
func readonlyPaths(paths []string) *StepError {
	for _, p := range paths {
		fd, err := unix.Open(p, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if errors.Is(err, unix.ENOENT) {
			continue
		}
		if err == nil {
			f := os.NewFile(uintptr(fd), p)
			err = bindFrom(f, f, readonlyFlags, "/proc")
			f.Close()
		}
		if err != nil {
			return stepErr("make "+p+" read-only", err)
		}
	}
	return nil
}
