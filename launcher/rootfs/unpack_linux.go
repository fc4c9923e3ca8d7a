package rootfs

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"github.com/hclsandbox/sandbox/config"
	"golang.org/x/sys/unix"
)

// unpacker extracts a tar stream into one directory. Every entry is created
// relative to a directory handle reached from the target without following
// any symlink, so no entry can land outside the target.
type unpacker struct {
	root    *os.File // O_PATH handle of the target directory
	asRoot  bool     // keep owners
	devices string   // a config.Devices* rule
	free    int64    // bytes that regular files may still take
	inodes  int64    // entries that may still be made; -1: no limit
	dirs    []dirMode
	count   DeviceCount
	// layer is set when the archive is an image layer (see layer_linux.go).
	layer *layerState
}

// dirMode is a directory's mode, applied once everything inside it exists.
type dirMode struct {
	name string
	mode uint32
}

// resolveFlags keep a lookup beneath its starting directory with no symlink
// on the way.
const resolveFlags = unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS | unix.RESOLVE_NO_XDEV

// Unpack extracts the tar stream r into dir, an existing empty directory.
// Owners are kept only when running as root. devices, one of
// config.DeviceRules, says what becomes of the archive's device nodes:
// left out and counted, refused, or made (as root; counted as left out
// otherwise). The archive must fit in the free space and the free inodes
// of dir's filesystem, less a reserve of inodes for everyone else.
func Unpack(r io.Reader, dir, devices string) (DeviceCount, error) {
	return unpack(r, dir, devices, nil)
}

// unpack extracts r into dir; layer, when not nil, turns an image layer's
// whiteouts into overlayfs's form and keeps its extended attributes.
func unpack(r io.Reader, dir, devices string, layer *layerState) (DeviceCount, error) {
	root, err := os.OpenFile(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return DeviceCount{}, fmt.Errorf("open unpack target: %w", err)
	}
	defer root.Close()
	var st unix.Statfs_t
	if err := unix.Fstatfs(int(root.Fd()), &st); err != nil {
		return DeviceCount{}, fmt.Errorf("statfs %s: %w", dir, err)
	}
	u := &unpacker{root: root, asRoot: os.Geteuid() == 0, devices: devices,
		free: int64(st.Bavail) * st.Bsize, inodes: freeInodes(&st), layer: layer}
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return u.count, fmt.Errorf("read archive: %w", err)
		}
		if err := u.entry(hdr, tr); err != nil {
			return u.count, fmt.Errorf("entry %q: %w", hdr.Name, err)
		}
	}
	return u.count, u.finishDirs()
}

// freeInodes is how many inodes an unpack may take on the filesystem of
// st: the free ones less a hundredth of them all, so that filling the
// cache leaves the host's filesystem some inodes. Filesystems that make
// inodes as they go (btrfs) report none, and get no limit: -1.
func freeInodes(st *unix.Statfs_t) int64 {
	if st.Files == 0 {
		return -1
	}
	return max(int64(st.Ffree)-int64(st.Files/100), 0)
}

// newInode takes one inode for an entry about to be made.
func (u *unpacker) newInode() error {
	if u.inodes < 0 {
		return nil
	}
	if u.inodes == 0 {
		return errors.New("the archive holds more entries than the cache's filesystem has inodes free (less a hundredth of them all, kept for others)")
	}
	u.inodes--
	return nil
}

// entry creates one archive entry.
func (u *unpacker) entry(hdr *tar.Header, r io.Reader) error {
	name, err := entryName(hdr.Name)
	if err != nil {
		return err
	}
	parent, err := u.openDir(path.Dir(name), true)
	if err != nil {
		return err
	}
	defer unix.Close(parent)
	base := path.Base(name)
	if name == "." {
		base = "."
	}
	if u.layer == nil {
		return u.create(parent, name, base, hdr, r)
	}
	return u.layerEntry(parent, name, base, hdr, r)
}

// create makes the entry base in the directory parent.
func (u *unpacker) create(parent int, name, base string, hdr *tar.Header, r io.Reader) error {
	switch hdr.Typeflag {
	case tar.TypeDir:
		return u.dir(parent, name, base, hdr)
	case tar.TypeReg:
		return u.file(parent, base, hdr, r)
	case tar.TypeSymlink:
		if err := u.replace(parent, base); err != nil {
			return err
		}
		if err := unix.Symlinkat(hdr.Linkname, parent, base); err != nil {
			return fmt.Errorf("symlink: %w", err)
		}
		return u.owner(parent, base, hdr)
	case tar.TypeLink:
		return u.hardlink(parent, base, hdr)
	case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
		return u.node(parent, base, hdr)
	}
	return nil // pax and GNU metadata entries are read by archive/tar itself
}

// openDir opens the directory name inside the target, creating missing
// components when create is set. It fails on any symlink or non-directory
// on the way.
func (u *unpacker) openDir(name string, create bool) (int, error) {
	cur, err := unix.Dup(int(u.root.Fd()))
	if err != nil {
		return -1, err
	}
	done := "."
	for _, c := range strings.Split(name, "/") {
		if c == "" || c == "." {
			continue
		}
		if create {
			if err := u.mkdir(cur, c); err != nil {
				unix.Close(cur)
				return -1, fmt.Errorf("mkdir %s: %w", path.Join(done, c), err)
			}
		}
		next, err := unix.Openat2(cur, c, &unix.OpenHow{Flags: unix.O_PATH | unix.O_DIRECTORY | unix.O_CLOEXEC, Resolve: resolveFlags})
		unix.Close(cur)
		done = path.Join(done, c)
		switch {
		case err == unix.ELOOP:
			return -1, fmt.Errorf("%s is a symlink, and no entry may go through one", done)
		case err == unix.ENOTDIR:
			return -1, fmt.Errorf("%s is not a directory", done)
		case err != nil:
			return -1, fmt.Errorf("open %s: %w", done, err)
		}
		cur = next
	}
	return cur, nil
}

// replace removes an earlier entry of the same name, as tar does, and
// takes the inode of the entry about to be made; a directory is never
// replaced by something else.
func (u *unpacker) replace(parent int, base string) error {
	err := unix.Unlinkat(parent, base, 0)
	if err == unix.ENOENT {
		return u.newInode()
	}
	if err == nil {
		return nil // the earlier entry's inode is free again
	}
	return fmt.Errorf("replace earlier entry: %w", err)
}

// mkdir makes the directory base in parent unless it exists.
func (u *unpacker) mkdir(parent int, base string) error {
	var st unix.Stat_t
	if unix.Fstatat(parent, base, &st, unix.AT_SYMLINK_NOFOLLOW) == nil {
		return nil // whatever it is, opening it says
	}
	if err := u.newInode(); err != nil {
		return err
	}
	if err := unix.Mkdirat(parent, base, 0o755); err != nil && err != unix.EEXIST {
		return err
	}
	return nil
}

func (u *unpacker) dir(parent int, name, base string, hdr *tar.Header) error {
	if base != "." {
		if err := u.mkdir(parent, base); err != nil {
			return fmt.Errorf("mkdir: %w", err)
		}
	}
	fd, err := unix.Openat2(parent, base, &unix.OpenHow{Flags: unix.O_RDONLY | unix.O_DIRECTORY | unix.O_CLOEXEC, Resolve: resolveFlags})
	if err != nil {
		return fmt.Errorf("open directory: %w", err)
	}
	defer unix.Close(fd)
	if u.asRoot {
		if err := unix.Fchown(fd, hdr.Uid, hdr.Gid); err != nil {
			return chownError(hdr, err)
		}
	}
	u.dirs = append(u.dirs, dirMode{name: name, mode: uint32(hdr.Mode) & 0o7777})
	return nil
}

func (u *unpacker) file(parent int, base string, hdr *tar.Header, r io.Reader) error {
	if hdr.Size > u.free {
		return fmt.Errorf("%d bytes do not fit in the %d bytes free in the cache", hdr.Size, u.free)
	}
	u.free -= hdr.Size
	if err := u.replace(parent, base); err != nil {
		return err
	}
	fd, err := unix.Openat(parent, base, unix.O_CREAT|unix.O_EXCL|unix.O_WRONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return fmt.Errorf("create: %w", err)
	}
	f := os.NewFile(uintptr(fd), base)
	defer f.Close()
	if _, err := io.Copy(f, r); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	if u.asRoot {
		if err := f.Chown(hdr.Uid, hdr.Gid); err != nil {
			return chownError(hdr, err)
		}
	}
	if err := unix.Fchmod(fd, uint32(hdr.Mode)&0o7777); err != nil {
		return fmt.Errorf("chmod: %w", err)
	}
	return setTimes(parent, base, hdr)
}

// hardlink links base to an earlier entry, which must lie inside the target.
func (u *unpacker) hardlink(parent int, base string, hdr *tar.Header) error {
	old, err := entryName(hdr.Linkname)
	if err != nil {
		return fmt.Errorf("hard link to %q: %w", hdr.Linkname, err)
	}
	oldParent, err := u.openDir(path.Dir(old), false)
	if err == nil {
		defer unix.Close(oldParent)
		err = unix.Unlinkat(parent, base, 0) // a link takes no inode
		if err == unix.ENOENT {
			err = nil
		}
	}
	if err == nil {
		err = unix.Linkat(oldParent, path.Base(old), parent, base, 0)
	}
	if errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("hard link to %q: no such earlier entry in the archive", hdr.Linkname)
	}
	if err != nil {
		return fmt.Errorf("hard link to %q: %w", hdr.Linkname, err)
	}
	return nil
}

// node makes a fifo, or a device node as the devices rule says.
func (u *unpacker) node(parent int, base string, hdr *tar.Header) error {
	mode := uint32(hdr.Mode) & 0o7777
	switch hdr.Typeflag {
	case tar.TypeChar:
		mode |= unix.S_IFCHR
	case tar.TypeBlock:
		mode |= unix.S_IFBLK
	default:
		mode |= unix.S_IFIFO
	}
	if mode&unix.S_IFMT != unix.S_IFIFO {
		switch {
		case u.devices == config.DevicesRefuse:
			return fmt.Errorf("a %s device node %d:%d, and the rootfs block says devices = \"refuse\"",
				map[byte]string{tar.TypeChar: "character", tar.TypeBlock: "block"}[hdr.Typeflag], hdr.Devmajor, hdr.Devminor)
		case u.devices != config.DevicesKeep || !u.asRoot:
			u.count.Skipped++
			return nil
		}
		u.count.Made++
	}
	if err := u.replace(parent, base); err != nil {
		return err
	}
	dev := unix.Mkdev(uint32(hdr.Devmajor), uint32(hdr.Devminor))
	if err := unix.Mknodat(parent, base, mode, int(dev)); err != nil {
		return fmt.Errorf("mknod: %w", err)
	}
	if err := u.owner(parent, base, hdr); err != nil {
		return err
	}
	// mknod applies the umask; the node is ours and not a symlink.
	if err := unix.Fchmodat(parent, base, mode&0o7777, 0); err != nil {
		return fmt.Errorf("chmod: %w", err)
	}
	return setTimes(parent, base, hdr)
}

// owner sets the owner of base without following a symlink, when root.
func (u *unpacker) owner(parent int, base string, hdr *tar.Header) error {
	if !u.asRoot {
		return nil
	}
	if err := unix.Fchownat(parent, base, hdr.Uid, hdr.Gid, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return chownError(hdr, err)
	}
	return nil
}

// chownError says why the owner of an entry could not be set: in a user
// namespace (an unpack without root), EINVAL means the namespace does
// not map the entry's uid or gid.
func chownError(hdr *tar.Header, err error) error {
	if errors.Is(err, unix.EINVAL) {
		return fmt.Errorf("chown to %d:%d: the user namespace of the unpack does not map that id "+
			"(widen the subordinate ranges in /etc/subuid and /etc/subgid)", hdr.Uid, hdr.Gid)
	}
	return fmt.Errorf("chown to %d:%d: %w", hdr.Uid, hdr.Gid, err)
}

func setTimes(parent int, base string, hdr *tar.Header) error {
	ts := []unix.Timespec{unix.NsecToTimespec(hdr.ModTime.UnixNano()), unix.NsecToTimespec(hdr.ModTime.UnixNano())}
	if err := unix.UtimesNanoAt(parent, base, ts, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return fmt.Errorf("set times: %w", err)
	}
	return nil
}

// finishDirs applies directory modes last, in reverse archive order (children
// before their parents), so a read-only directory could still be filled.
func (u *unpacker) finishDirs() error {
	for i := len(u.dirs) - 1; i >= 0; i-- {
		d := u.dirs[i]
		parent, err := u.openDir(path.Dir(d.name), false)
		if err != nil {
			return fmt.Errorf("entry %q: %w", d.name, err)
		}
		fd, err := unix.Openat2(parent, path.Base(d.name), &unix.OpenHow{Flags: unix.O_RDONLY | unix.O_DIRECTORY | unix.O_CLOEXEC, Resolve: resolveFlags})
		unix.Close(parent)
		if err == nil {
			err = unix.Fchmod(fd, d.mode)
			unix.Close(fd)
		}
		if err != nil {
			return fmt.Errorf("entry %q: chmod: %w", d.name, err)
		}
	}
	return nil
}
