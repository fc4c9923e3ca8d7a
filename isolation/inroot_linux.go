package isolation

import (
	"errors"
	"os"
	"path"

	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"golang.org/x/sys/unix"
)

// inRoot is how a mount target is resolved inside the new root: symlinks
// are followed but stay inside it ("/" and ".." mean the root), and no
// magic link of /proc is followed. The kernel enforces it, races with
// renames included (EAGAIN).
const inRoot = unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS

// mkdirAllInRoot opens the directory target inside root, creating what is
// missing of it. A target that exists, as most do, takes one openat2(2),
// and one whose last component alone is missing a mkdirat(2) more; the
// rest, and kernels without openat2, go through pathrs-lite, which
// creates each missing component safely. (pathrs-lite also checks every
// handle's path again through a private procfs: in a profile of a batch,
// more than half of the child's work on the root, for a guarantee the
// kernel already gives.)
func mkdirAllInRoot(root *os.File, target string) (*os.File, error) {
	fd, err := openat2InRoot(int(root.Fd()), target, unix.O_DIRECTORY)
	if errors.Is(err, unix.ENOENT) && path.Dir(target) != target {
		// Only the last component missing, as for a mount point made in a
		// fresh tmpfs: make it in its parent and open it without
		// following anything.
		if parent, perr := openat2InRoot(int(root.Fd()), path.Dir(target), unix.O_DIRECTORY); perr == nil {
			fd, err = mkdirOpen(parent, path.Base(target))
			unix.Close(parent)
		}
	}
	if err == nil {
		return os.NewFile(uintptr(fd), target), nil
	}
	return pathrs.MkdirAllHandle(root, target, 0o755)
}

// openat2InRoot opens name inside root as an O_PATH handle, with flags
// added, retrying a lookup that a concurrent rename spoiled (EAGAIN).
func openat2InRoot(root int, name string, flags uint64) (int, error) {
	how := unix.OpenHow{Flags: unix.O_PATH | unix.O_CLOEXEC | flags, Resolve: inRoot}
	for range 4 {
		fd, err := unix.Openat2(root, name, &how)
		if !errors.Is(err, unix.EAGAIN) {
			return fd, err
		}
	}
	return -1, unix.EAGAIN
}

// mkdirOpen makes the directory name in parent, unless it exists, and
// opens it, refusing a symlink or anything that leaves parent.
func mkdirOpen(parent int, name string) (int, error) {
	if name == "." || name == ".." || name == "/" {
		return -1, unix.EINVAL
	}
	if err := unix.Mkdirat(parent, name, 0o755); err != nil && !errors.Is(err, unix.EEXIST) {
		return -1, err
	}
	how := unix.OpenHow{Flags: unix.O_PATH | unix.O_DIRECTORY | unix.O_CLOEXEC,
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS}
	return unix.Openat2(parent, name, &how)
}

// openInRoot opens target inside root as an O_PATH handle, through
// openat2(2) or, without it, pathrs-lite.
func openInRoot(root *os.File, target string) (*os.File, error) {
	fd, err := openat2InRoot(int(root.Fd()), target, 0)
	switch {
	case err == nil:
		return os.NewFile(uintptr(fd), target), nil
	case errors.Is(err, unix.ENOSYS), errors.Is(err, unix.EAGAIN):
		return pathrs.OpenatInRoot(root, target)
	default:
		return nil, &os.PathError{Op: "openat2", Path: target, Err: err}
	}
}
