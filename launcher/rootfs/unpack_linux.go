package rootfs

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"golang.org/x/sys/unix"
)

// unpacker extracts a tar stream into one directory. Every entry is created
// relative to a directory handle reached from the target without following
// any symlink, so no entry can land outside the target.
type unpacker struct {
	root   *os.File // O_PATH handle of the target directory
	asRoot bool     // keep owners and make device nodes
	free   int64    // bytes that regular files may still take
	dirs   []dirMode
	// Skipped counts device nodes left out because the unpacker is not root.
	skipped int
	// layer is set when r is an image layer (see layer_linux.go).
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
// Owners are kept and device nodes made only when running as root. It
// returns the number of device nodes it left out.
func Unpack(r io.Reader, dir string) (skipped int, err error) {
	return unpack(r, dir, nil)
}

// unpack extracts r into dir; layer, when not nil, turns an image layer's
// whiteouts into overlayfs's form and keeps its extended attributes.
func unpack(r io.Reader, dir string, layer *layerState) (skipped int, err error) {
	root, err := os.OpenFile(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return 0, fmt.Errorf("open unpack target: %w", err)
	}
	defer root.Close()
	var st unix.Statfs_t
	if err := unix.Fstatfs(int(root.Fd()), &st); err != nil {
		return 0, fmt.Errorf("statfs %s: %w", dir, err)
	}
	u := &unpacker{root: root, asRoot: os.Geteuid() == 0, free: int64(st.Bavail) * st.Bsize, layer: layer}
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return u.skipped, fmt.Errorf("read archive: %w", err)
		}
		if err := u.entry(hdr, tr); err != nil {
			return u.skipped, fmt.Errorf("entry %q: %w", hdr.Name, err)
		}
	}
	return u.skipped, u.finishDirs()
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
		if err := replace(parent, base); err != nil {
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
			if err := unix.Mkdirat(cur, c, 0o755); err != nil && err != unix.EEXIST {
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

// replace removes an earlier entry of the same name, as tar does; a
// directory is never replaced by something else.
func replace(parent int, base string) error {
	err := unix.Unlinkat(parent, base, 0)
	if err == nil || err == unix.ENOENT {
		return nil
	}
	return fmt.Errorf("replace earlier entry: %w", err)
}

func (u *unpacker) dir(parent int, name, base string, hdr *tar.Header) error {
	if base != "." {
		if err := unix.Mkdirat(parent, base, 0o755); err != nil && err != unix.EEXIST {
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
			return fmt.Errorf("chown: %w", err)
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
	if err := replace(parent, base); err != nil {
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
			return fmt.Errorf("chown: %w", err)
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
		err = replace(parent, base)
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

// node makes a fifo, or a device node when running as root.
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
	if mode&unix.S_IFIFO != unix.S_IFIFO && !u.asRoot {
		u.skipped++
		return nil
	}
	if err := replace(parent, base); err != nil {
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
		return fmt.Errorf("chown: %w", err)
	}
	return nil
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
