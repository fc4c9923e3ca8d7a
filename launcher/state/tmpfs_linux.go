package state

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"

	"golang.org/x/sys/unix"
)

// rootTmpfsOptions are the state root tmpfs's: root's alone, nothing to
// execute or open as a device, at most a fifth of memory as systemd's
// /run.
const rootTmpfsOptions = "mode=0700,size=20%"

var prepareOnce sync.Once

// PrepareRoot gives root's default state directory the lifetime and the
// cost /run is meant to have: where the filesystem under /run/sandbox is
// not a tmpfs (a host whose /run is on disk), it mounts one there, once,
// when the directory is still empty. Records name pids and cgroups of
// this boot only; on a disk they outlive it, and every start's records
// and locks would be files made and removed on it, which on ext4 without
// a journal means searching past every inode freed in the last half
// minute (a fifth of a batch's CPU). Elsewhere it does nothing: for any
// other state directory ($SANDBOX_RUN, another user's), off the host's
// mount namespace (a mount there would end with it), and on a directory
// that already holds state, which a mount would hide. A failed mount
// leaves the directory as it is: the state works on any filesystem.
func (d Dir) PrepareRoot() {
	if d.Root != DefaultStateDir || os.Geteuid() != 0 {
		return
	}
	prepareOnce.Do(func() {
		if inHostMountNS() {
			mountTmpfs(d.Root)
		}
	})
}

// mountTmpfs mounts a tmpfs on dir, made if missing, when dir is empty
// and on another filesystem, and reports whether it did. The directory's
// flock makes concurrent callers take turns, and each looks again at
// what the path names once it has the lock, so exactly one mounts.
func mountTmpfs(dir string) (bool, error) {
	if onTmpfs(dir) {
		return false, nil
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return false, err
	}
	f, err := os.OpenFile(dir, os.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW, 0)
	if err != nil {
		return false, err
	}
	defer f.Close()
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		return false, fmt.Errorf("lock %s: %w", dir, err)
	}
	// A caller that opened dir before another mounted on it holds the
	// directory underneath, which stays empty: the path says what is
	// there now.
	if !sameFile(f, dir) || onTmpfs(dir) {
		return false, nil
	}
	if names, _ := f.Readdirnames(1); len(names) > 0 {
		return false, nil
	}
	// Through the descriptor: the directory checked is the one mounted on.
	target := "/proc/self/fd/" + strconv.Itoa(int(f.Fd()))
	flags := uintptr(unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC)
	if err := unix.Mount("tmpfs", target, "tmpfs", flags, rootTmpfsOptions); err != nil {
		return false, fmt.Errorf("mount a tmpfs on %s: %w", dir, err)
	}
	return true, nil
}

// onTmpfs reports whether dir is on a tmpfs (or ramfs).
func onTmpfs(dir string) bool {
	var fs unix.Statfs_t
	return unix.Statfs(dir, &fs) == nil && InMemory(fs)
}

// InMemory reports whether fs, a statfs(2) answer, is a filesystem in
// memory (tmpfs or ramfs), as /run should be.
func InMemory(fs unix.Statfs_t) bool {
	return fs.Type == unix.TMPFS_MAGIC || fs.Type == unix.RAMFS_MAGIC
}

// inHostMountNS reports whether this process is in the mount namespace
// of pid 1, or of pid 2 where pid 1's cannot be read: kthreadd, whose
// namespaces are the kernel's first.
func inHostMountNS() bool {
	var self unix.Stat_t
	if unix.Stat("/proc/self/ns/mnt", &self) != nil {
		return false
	}
	for _, p := range []string{"/proc/1/ns/mnt", "/proc/2/ns/mnt"} {
		var host unix.Stat_t
		if unix.Stat(p, &host) == nil {
			return self.Dev == host.Dev && self.Ino == host.Ino
		}
	}
	return false
}
