//go:build unix

package rootfs

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/hclsandbox/sandbox/launcher/mapped"

	"golang.org/x/sys/unix"
)

// An unpack fills a temporary directory, .unpack-*, in the cache and
// renames it into place when it is complete. Its unpacker holds an flock
// on it until then; the kernel drops the lock when the unpacker dies,
// however it dies, so a directory whose lock can be taken is the remains
// of a dead unpacker, never a guess from its age or a pid. Two launchers
// that unpack the same tarball each fill their own directory; the second
// rename finds the entry there and drops its copy.
//
// A directory exists for a moment before its lock is taken. Unpackers
// make and lock theirs under a shared lock of the cache directory, and
// removeStale looks for remains under an exclusive one, so it never takes
// a new directory for a dead one.

// claimUnpackDir makes and locks a fresh unpack directory in dir for the
// tarball of digest; release drops the lock.
func claimUnpackDir(dir, digest string) (path string, release func(), err error) {
	cache, err := lockDir(dir, unix.LOCK_SH)
	if err != nil {
		return "", nil, err
	}
	defer cache.Close()
	path, err = os.MkdirTemp(dir, ".unpack-sha256-"+digest[:12]+"-")
	if err != nil {
		return "", nil, fmt.Errorf("create unpack directory in %s: %w", dir, err)
	}
	f, err := lockDir(path, unix.LOCK_EX|unix.LOCK_NB)
	if err != nil {
		os.Remove(path)
		return "", nil, err
	}
	return path, func() { f.Close() }, nil
}

// removeStale removes the unpack directories in dir whose unpacker is
// gone, in the user namespace of ids where the caller cannot alone.
func removeStale(dir string, ids *mapped.Maps) {
	cache, err := lockDir(dir, unix.LOCK_EX)
	if err != nil {
		return
	}
	matches, _ := filepath.Glob(filepath.Join(dir, ".unpack-*"))
	var stale []*os.File
	for _, m := range matches {
		if f, err := lockDir(m, unix.LOCK_EX|unix.LOCK_NB); err == nil {
			stale = append(stale, f)
		}
	}
	cache.Close()
	for _, f := range stale {
		removeMapped(ids, f.Name()) // under its lock: no one else removes it meanwhile
		f.Close()
	}
}

// lockDir opens the directory dir, never through a symlink, and takes an
// flock of kind how on it.
func lockDir(dir string, how int) (*os.File, error) {
	f, err := os.OpenFile(dir, os.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("lock %w", err)
	}
	if err := unix.Flock(int(f.Fd()), how); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	return f, nil
}
