package isolation

import (
	"errors"
	"fmt"
	"os"
	"path"
	"strings"

	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"golang.org/x/sys/unix"
)

// A mount's source is a host path, and the child reaches the host's root
// at oldRootDir. Resolving the path there by name (stat, then mount) would
// follow any symlink on the way, and a payload that can write a directory
// on that way — a writable bind, a directory two sandboxes share, a
// persistent state — could turn the source into a link to the host's "/"
// between two runs. So a source the configuration names is opened in two
// parts: the directory below which a sandbox might write (Mount.Beneath:
// the configuration's directory, or "/") is resolved as the host would,
// symlinks included, and the rest without following any symlink at all.
// The mount is then made from the handle, never from the name.

// inHost resolves a path in the host's root as the host itself would:
// absolute symlinks mean the host's root, and no magic link of /proc.
const inHost = unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS

// noSymlinks resolves a path below a directory without following any
// symlink and without leaving it.
const noSymlinks = unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS

// openSource opens the host path p as an O_PATH handle through host, the
// host's root: the part up to beneath as the host resolves it, the rest
// without following any symlink. beneath "" trusts the whole path.
func openSource(host *os.File, p, beneath string) (*os.File, error) {
	trusted, rest := splitBeneath(p, beneath)
	base, err := openat2Retry(int(host.Fd()), trusted, unix.O_PATH|unix.O_CLOEXEC, inHost)
	if errors.Is(err, unix.ENOSYS) {
		var f *os.File // before Linux 5.6
		if f, err = pathrs.OpenatInRoot(host, trusted); err == nil {
			base = int(f.Fd())
			defer f.Close()
			if base, err = unix.Dup(base); err != nil {
				return nil, err
			}
		}
	}
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: trusted, Err: err}
	}
	if rest == "" {
		return os.NewFile(uintptr(base), p), nil
	}
	defer unix.Close(base)
	fd, err := openat2Retry(base, rest, unix.O_PATH|unix.O_CLOEXEC, noSymlinks)
	if errors.Is(err, unix.ELOOP) || errors.Is(err, unix.ENOSYS) {
		// Component by component: to name the symlink, or for want of openat2.
		fd, err = walkNoSymlinks(base, trusted, rest)
	}
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), p), nil
}

// splitBeneath splits p into the part resolved as the host would and the
// part below it. A p outside beneath trusts only "/".
func splitBeneath(p, beneath string) (trusted, rest string) {
	if beneath == "" {
		return p, ""
	}
	if beneath != "/" && (p == beneath || strings.HasPrefix(p, beneath+"/")) {
		return beneath, strings.TrimPrefix(strings.TrimPrefix(p, beneath), "/")
	}
	return "/", strings.TrimPrefix(p, "/")
}

// walkNoSymlinks opens rest below base one component at a time, refusing
// any symlink with a message that names it.
func walkNoSymlinks(base int, trusted, rest string) (int, error) {
	dir, err := unix.Dup(base)
	if err != nil {
		return -1, err
	}
	done := trusted
	for _, c := range strings.Split(rest, "/") {
		done = path.Join(done, c)
		next, err := unix.Openat(dir, c, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		unix.Close(dir)
		if err != nil {
			return -1, &os.PathError{Op: "open", Path: done, Err: err}
		}
		var st unix.Stat_t
		if err := unix.Fstat(next, &st); err != nil {
			unix.Close(next)
			return -1, &os.PathError{Op: "stat", Path: done, Err: err}
		}
		if st.Mode&unix.S_IFMT == unix.S_IFLNK {
			unix.Close(next)
			return -1, fmt.Errorf("%s is a symlink, and no symlink is followed below %s, where a sandbox may write; name the path it points to instead", done, trusted)
		}
		dir = next
	}
	return dir, nil
}

// openat2Retry is openat2(2) with how's resolve flags, retrying a lookup
// that a concurrent rename spoiled (EAGAIN).
func openat2Retry(dir int, name string, flags uint64, resolve uint64) (int, error) {
	how := unix.OpenHow{Flags: flags, Resolve: resolve}
	for range 4 {
		fd, err := unix.Openat2(dir, name, &how)
		if !errors.Is(err, unix.EAGAIN) {
			return fd, err
		}
	}
	return -1, unix.EAGAIN
}
