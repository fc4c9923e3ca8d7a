package plancache

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"os"
	"sort"

	"github.com/hclsandbox/sandbox/internal/safepath"
	"golang.org/x/sys/unix"
)

// maxEntries bounds the entries kept; writing one more removes the
// oldest.
const maxEntries = 64

// tmpPrefix begins the name of an entry being written.
const tmpPrefix = ".tmp-"

// read returns the bytes of entry name, or nil unless the entry can be
// trusted: the directory and all above it pass safepath, and the entry is
// a regular file, not a symlink, that the caller owns and no one else may
// write, with one link. Everything is checked on the open descriptor.
func (c *Cache) read(name string) []byte {
	d, err := safepath.Open(c.Dir)
	if err != nil {
		return nil
	}
	defer d.Close()
	fd, err := unix.Openat(d.Fd(), name, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil
	}
	f := os.NewFile(uintptr(fd), name)
	defer f.Close()
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil || !trusted(&st) {
		return nil
	}
	b := make([]byte, st.Size)
	if n, err := f.ReadAt(b, 0); err != nil || n != len(b) {
		return nil
	}
	return b
}

// trusted reports whether an entry's file may be read: a regular file of
// the caller's, with one link, writable by no one else, not too large.
func trusted(st *unix.Stat_t) bool {
	return st.Mode&unix.S_IFMT == unix.S_IFREG && int(st.Uid) == os.Geteuid() && st.Nlink == 1 &&
		st.Mode&0o022 == 0 && st.Size >= 0 && st.Size <= maxEntry
}

// write stores entry name atomically: a new file, mode 0600, renamed over
// the old one. Failing to write is not an error: the next start loads.
func (c *Cache) write(name string, b []byte) {
	d, err := safepath.MkdirAll(c.Dir, 0o700)
	if err != nil {
		return
	}
	defer d.Close()
	tmp := tmpPrefix + randomName()
	fd, err := unix.Openat(d.Fd(), tmp, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return
	}
	f := os.NewFile(uintptr(fd), tmp)
	_, werr := f.Write(b)
	if cerr := f.Close(); werr != nil || cerr != nil || replace(d, tmp, name) != nil {
		_ = unix.Unlinkat(d.Fd(), tmp, 0)
		return
	}
	prune(d, name)
}

// replace puts file tmp of d in the place of name. A previous entry is
// swapped with it (renameat2 RENAME_EXCHANGE), then removed: renaming over
// a file makes ext4 write the new one out at once (auto_da_alloc).
func replace(d *safepath.Dir, tmp, name string) error {
	err := unix.Renameat2(d.Fd(), tmp, d.Fd(), name, unix.RENAME_EXCHANGE)
	if err == nil {
		return unix.Unlinkat(d.Fd(), tmp, 0)
	}
	return unix.Renameat(d.Fd(), tmp, d.Fd(), name)
}

// prune removes the oldest entries beyond maxEntries, and what a write
// that was killed left, keeping keep.
func prune(d *safepath.Dir, keep string) {
	f, err := os.Open(d.Path)
	if err != nil {
		return
	}
	names, _ := f.Readdirnames(-1)
	f.Close()
	type aged struct {
		name string
		age  int64
	}
	var entries []aged
	for _, n := range names {
		var st unix.Stat_t
		if n == keep || unix.Fstatat(d.Fd(), n, &st, unix.AT_SYMLINK_NOFOLLOW) != nil {
			continue
		}
		entries = append(entries, aged{n, st.Mtim.Nano()})
	}
	if len(entries) < maxEntries {
		return
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].age < entries[j].age })
	for _, e := range entries[:len(entries)-maxEntries+1] {
		_ = unix.Unlinkat(d.Fd(), e.name, 0)
	}
}

func randomName() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// selfBuild identifies the running program by its file: device, inode,
// size, modification and change times. A new build is a new file or a
// changed one; no one can set a change time.
func selfBuild() ([]byte, error) {
	return fileBuild("/proc/self/exe")
}

func fileBuild(name string) ([]byte, error) {
	var st unix.Stat_t
	if err := unix.Stat(name, &st); err != nil {
		return nil, err
	}
	var b []byte
	for _, v := range []uint64{st.Dev, st.Ino, uint64(st.Size), uint64(st.Mtim.Nano()), uint64(st.Ctim.Nano())} {
		b = binary.LittleEndian.AppendUint64(b, v)
	}
	return b, nil
}

// stampOf is the stamp of the directory name.
func stampOf(name string) (stamp, error) {
	var st unix.Stat_t
	if err := unix.Stat(name, &st); err != nil {
		return stamp{}, err
	}
	return stamp{Dev: st.Dev, Ino: st.Ino, Mtime: st.Mtim.Nano(), Ctime: st.Ctim.Nano()}, nil
}
