package launcher

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// childDigest is the sha256 of the embedded child (childBinary), set by
// make build with -X; empty otherwise.
var childDigest string

// errNoCachedChild says the cached, read-only child cannot be used here.
var errNoCachedChild = errors.New("no cached child")

// readonlyChild returns an fd through which the child can be executed
// without copying it: a read-only, detached bind mount (open_tree(2) and
// mount_setattr(2), Linux 5.12) of a copy of bin cached in dir. No mount
// table shows it, and a process that reaches the file through
// /proc/PID/exe cannot write it (EROFS): what the sealed memfd gives
// (CVE-2019-5736), without copying 2.6 MB into a memfd at every launch.
// It needs root; callers fall back to the memfd.
func readonlyChild(bin []byte, digest, dir string) (int, error) {
	if len(bin) == 0 || digest == "" || strings.ContainsAny(digest, "/.") {
		return -1, errNoCachedChild
	}
	path := filepath.Join(dir, "sandbox-init-"+digest)
	if info, err := os.Lstat(path); err != nil || !info.Mode().IsRegular() || info.Size() != int64(len(bin)) {
		if err := cacheChild(bin, dir, path); err != nil {
			return -1, err
		}
	}
	fd, err := unix.OpenTree(unix.AT_FDCWD, path, unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC|unix.AT_SYMLINK_NOFOLLOW)
	if err != nil {
		return -1, fmt.Errorf("open_tree %s: %w", path, err)
	}
	var fs unix.Statfs_t
	if err := unix.Fstatfs(fd, &fs); err != nil || fs.Flags&unix.ST_NOEXEC != 0 {
		unix.Close(fd) // a noexec filesystem: the memfd it is
		return -1, errNoCachedChild
	}
	attr := unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NOSUID | unix.MOUNT_ATTR_NODEV}
	if err := unix.MountSetattr(fd, "", unix.AT_EMPTY_PATH, &attr); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("make %s read-only: %w", path, err)
	}
	return fd, nil
}

// cacheChild writes bin to path, whole or not at all, in dir, a directory
// of root's that no one else may write (else the copy could be swapped);
// copies of other versions of the child go.
func cacheChild(bin []byte, dir, path string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	info, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !info.IsDir() || !ok || st.Uid != 0 || info.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("%s: not a directory of root's that only root may write", dir)
	}
	tmp, err := os.CreateTemp(dir, ".sandbox-init-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(bin)
	if err == nil {
		err = tmp.Chmod(0o555)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("cache the sandbox child in %s: %w", dir, err)
	}
	old, _ := filepath.Glob(filepath.Join(dir, "sandbox-init-*"))
	for _, o := range old {
		if o != path {
			os.Remove(o) // a running sandbox keeps its inode
		}
	}
	return nil
}
