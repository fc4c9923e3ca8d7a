package expect

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// readBeneath opens rel beneath root with openat2, refusing any symlink
// and any path that leads out of root.
func readBeneath(root, rel string) ([]byte, error) {
	dir, err := unix.Open(root, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: root, Err: err}
	}
	defer unix.Close(dir)
	how := unix.OpenHow{
		Flags:   unix.O_RDONLY | unix.O_NONBLOCK | unix.O_NOCTTY | unix.O_CLOEXEC,
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
	}
	fd, err := unix.Openat2(dir, rel, &how)
	if err == unix.ELOOP || err == unix.EXDEV {
		return nil, fmt.Errorf("%s: a symlink on the way, not followed", join(root, rel))
	}
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: join(root, rel), Err: err}
	}
	return readFrom(os.NewFile(uintptr(fd), join(root, rel)))
}
