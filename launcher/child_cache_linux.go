package launcher

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/hclsandbox/sandbox/internal/fsverity"
	"github.com/hclsandbox/sandbox/internal/safepath"
	"golang.org/x/sys/unix"
)

// childDigest is the sha256 of the embedded child (childBinary), and
// childVerity its fs-verity digest, both in hex, set by make build with
// -X; empty otherwise.
var childDigest, childVerity string

// errNoCachedChild says the cached, read-only child cannot be used here.
var errNoCachedChild = errors.New("no cached child")

// checkedSuffix names the record, next to the cached child, of the file
// version whose content was found to have the child's digest. The record
// is a symlink whose target is the text: one readlinkat(2) reads it.
const checkedSuffix = ".checked"

// readonlyChild returns an fd through which the child can be executed
// without copying it: a read-only, detached bind mount (open_tree(2) and
// mount_setattr(2), Linux 5.12) of a copy of bin cached in dir. No mount
// table shows it, and a process that reaches the file through
// /proc/PID/exe cannot write it (EROFS): what the sealed memfd gives
// (CVE-2019-5736), without copying 2.6 MB into a memfd at every launch.
//
// Root executes the copy, so it is used only when no one but root can
// have written it: dir and every directory above it pass safepath, and
// the open file is root's, writable by no one else, with bin's digest
// (checkChild). It needs root; callers fall back to the memfd.
func readonlyChild(bin []byte, digest, dir string) (int, error) {
	if len(bin) == 0 || digest == "" || strings.ContainsAny(digest, "/.") {
		return -1, errNoCachedChild
	}
	d, err := safepath.MkdirAll(dir, 0o700)
	if err != nil {
		return -1, err
	}
	defer d.Close()
	name := "sandbox-init-" + digest
	f, err := openCached(d, name)
	if errors.Is(err, fs.ErrNotExist) {
		if err = cacheChild(bin, d.Path, name); err == nil {
			f, err = openCached(d, name)
		}
	}
	if err != nil {
		return -1, err
	}
	defer f.Close()
	st, err := checkChild(d, name, f, digest)
	if err != nil {
		return -1, err
	}
	return mountReadonly(d, name, st)
}

// openCached opens the file name of d for reading, never through a symlink.
func openCached(d *safepath.Dir, name string) (*os.File, error) {
	fd, err := unix.Openat(d.Fd(), name, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: filepath.Join(d.Path, name), Err: err}
	}
	return os.NewFile(uintptr(fd), filepath.Join(d.Path, name)), nil
}

// checkChild makes sure that f, the cached child, is what root wrote: a
// regular file of root's that no one else may write, whose content has
// the embedded child's digest. Where the filesystem has fs-verity, the
// copy has it enabled (cacheChild) and the kernel's measure of it, one
// ioctl, is compared with the child's verity digest. Elsewhere, hashing
// 2.6 MB at every start would cost more than the rest of the check, so
// the digest is computed once per version of the file: the record
// name.checked next to it holds the device, inode, ctime and size of the
// version that matched, once the file is older than the record by a
// margin. Any write, chmod, chown or replacement changes one of them. The
// record is as trustworthy as the file, since it sits in the same
// directory, which only root may write. It returns f's status.
func checkChild(d *safepath.Dir, name string, f *os.File, digest string) (*unix.Stat_t, error) {
	st, err := rootsFile(f)
	if err != nil {
		return nil, err
	}
	if ok, err := vouched(d, name, f, st); ok || err != nil {
		return st, err
	}
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(f, 0, st.Size)); err != nil {
		return nil, fmt.Errorf("read %s: %w", f.Name(), err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != digest {
		return nil, fmt.Errorf("%s has sha256 %s, not the sandbox child's %s", f.Name(), got, digest)
	}
	writeRecord(d, name+checkedSuffix, stampOf(st)) // without it, the next start hashes again
	return st, nil
}

// rootsFile returns the status of f when it is a regular file of root's
// that no one else may write.
func rootsFile(f *os.File) (*unix.Stat_t, error) {
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return nil, fmt.Errorf("stat %s: %w", f.Name(), err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG || st.Uid != 0 || st.Mode&0o022 != 0 {
		return nil, fmt.Errorf("%s is not a file of root's that only root may write (owner uid %d, mode %04o)", f.Name(), st.Uid, st.Mode&0o7777)
	}
	return &st, nil
}

// vouched reports whether the copy f, the file name of d of status st,
// is known to be the child without reading it: its fs-verity digest is
// the child's, or root's record next to it holds this version's stamp. A
// verity digest that differs is an error.
func vouched(d *safepath.Dir, name string, f *os.File, st *unix.Stat_t) (bool, error) {
	if m, err := fsverity.Measure(int(f.Fd())); childVerity != "" && err == nil {
		if hex.EncodeToString(m) != childVerity {
			return false, fmt.Errorf("%s has fs-verity digest %x, not the sandbox child's %s", f.Name(), m, childVerity)
		}
		return true, nil
	}
	return recordVouches(d, name+checkedSuffix, stampOf(st), st), nil
}

// stampOf is the text of a record for the file version st describes.
func stampOf(st *unix.Stat_t) string {
	return fmt.Sprintf("dev %d ino %d ctime %d.%09d size %d", st.Dev, st.Ino, st.Ctim.Sec, st.Ctim.Nsec, st.Size)
}

// racyMargin is how much older than its record a file's change time must
// be for the record to vouch for it: change times keep a clock tick's
// granularity or coarser, and a write just after the record was made may
// carry a time just before it (git's "racily clean" entries).
const racyMargin = time.Second

// recordVouches reports whether the record name in d is root's, holds
// stamp, the status of the file st describes, and was made clearly after
// the file's last change.
func recordVouches(d *safepath.Dir, name, stamp string, st *unix.Stat_t) bool {
	buf := make([]byte, 128)
	n, err := unix.Readlinkat(d.Fd(), name, buf)
	if err != nil || string(buf[:n]) != stamp {
		return false
	}
	var rec unix.Stat_t
	if err := unix.Fstatat(d.Fd(), name, &rec, unix.AT_SYMLINK_NOFOLLOW); err != nil || rec.Uid != 0 {
		return false
	}
	return st.Ctim.Nano() < rec.Mtim.Nano()-racyMargin.Nanoseconds()
}

// writeRecord makes name in d a symlink to text, replacing what was there.
func writeRecord(d *safepath.Dir, name, text string) error {
	tmp := "." + name + "-" + strconv.Itoa(os.Getpid())
	unix.Unlinkat(d.Fd(), tmp, 0)
	err := unix.Symlinkat(text, d.Fd(), tmp)
	if err == nil {
		err = unix.Renameat(d.Fd(), tmp, d.Fd(), name)
	}
	if err != nil {
		unix.Unlinkat(d.Fd(), tmp, 0)
	}
	return err
}

// mountReadonly returns a read-only, detached bind mount of the file name
// of d, which must still be the file checked, of status checked.
func mountReadonly(d *safepath.Dir, name string, checked *unix.Stat_t) (int, error) {
	path := filepath.Join(d.Path, name)
	fd, err := unix.OpenTree(d.Fd(), name, unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC|unix.AT_SYMLINK_NOFOLLOW)
	if err != nil {
		return -1, fmt.Errorf("open_tree %s: %w", path, err)
	}
	var mounted unix.Stat_t
	var sfs unix.Statfs_t
	if unix.Fstat(fd, &mounted) != nil || checked.Dev != mounted.Dev || checked.Ino != mounted.Ino {
		unix.Close(fd)
		return -1, fmt.Errorf("%s changed while it was checked", path)
	}
	if err := unix.Fstatfs(fd, &sfs); err != nil || sfs.Flags&unix.ST_NOEXEC != 0 {
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

// enableVerity turns fs-verity on for the file at path where its
// filesystem has it: the file can then no longer be written, not even by
// root, and checkChild measures it in one ioctl. Elsewhere nothing changes.
func enableVerity(path string) {
	if f, err := os.Open(path); err == nil {
		fsverity.Enable(int(f.Fd()))
		f.Close()
	}
}

// cacheChild writes bin to the file name in dir, a directory that only
// root may write, whole or not at all; copies of other versions of the
// child go, with their records.
func cacheChild(bin []byte, dir, name string) error {
	tmp, err := os.CreateTemp(dir, ".sandbox-init-*")
	if err != nil {
		return fmt.Errorf("cache the sandbox child in %s: %w", dir, err)
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
		enableVerity(tmp.Name())
	}
	path := filepath.Join(dir, name)
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("cache the sandbox child in %s: %w", dir, err)
	}
	old, _ := filepath.Glob(filepath.Join(dir, "sandbox-init-*"))
	for _, o := range old {
		if o != path && o != path+checkedSuffix {
			os.Remove(o) // a running sandbox keeps its inode
		}
	}
	return nil
}
