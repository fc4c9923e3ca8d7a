package rootfs

import (
	"archive/tar"
	"fmt"
	"io"
	"strings"

	"github.com/hclsandbox/sandbox/config"
	"golang.org/x/sys/unix"
)

// Whiteout names of the OCI image layer format: ".wh.NAME" removes NAME
// of the layers below; ".wh..wh..opq" in a directory hides everything
// the layers below have in it.
const (
	whiteoutPrefix = ".wh."
	whiteoutMeta   = ".wh..wh."
	whiteoutOpaque = ".wh..wh..opq"
)

// layerState is what an unpacker keeps while it unpacks an image layer.
type layerState struct {
	opaque string // the xattr that marks an opaque directory
	// whiteouts are the names this layer whited out, so that a directory
	// of the same name that comes later replaces the mark and hides the
	// layers below instead, as the format says.
	whiteouts map[string]bool
}

// UnpackLayer extracts an image layer's tar stream r into dir, an existing
// empty directory, to be stacked as an overlayfs lower layer: every rule
// of Unpack holds, whiteouts become overlayfs's whiteouts (character
// devices 0:0) and opaque directories its opaque xattr, and the entries'
// extended attributes are kept when they are safe to keep (see
// keepXattr). Its device nodes are left out and counted, as those of a
// tarball are by default.
func UnpackLayer(r io.Reader, dir string, o LayerOptions) (DeviceCount, error) {
	if o.IDs != nil {
		return unpackLayerMapped(o, r, dir)
	}
	l := &layerState{opaque: "trusted.overlay.opaque", whiteouts: map[string]bool{}}
	if o.UserXattr {
		l.opaque = "user.overlay.opaque"
	}
	return unpack(r, dir, config.DevicesSkip, l)
}

// layerEntry creates one entry of a layer: a whiteout, or an entry with
// its extended attributes.
func (u *unpacker) layerEntry(parent int, name, base string, hdr *tar.Header, r io.Reader) error {
	switch {
	case base == whiteoutOpaque:
		return u.setOpaque(parent, ".")
	case strings.HasPrefix(base, whiteoutMeta):
		return nil // other AUFS metadata: nothing for overlayfs
	case strings.HasPrefix(base, whiteoutPrefix):
		return u.whiteout(parent, name, strings.TrimPrefix(base, whiteoutPrefix))
	}
	replaced := false
	if hdr.Typeflag == tar.TypeDir && u.layer.whiteouts[name] {
		// A directory where this layer put a whiteout: the directory stays
		// and hides what the layers below have there.
		if err := unix.Unlinkat(parent, base, 0); err != nil && err != unix.ENOENT {
			return fmt.Errorf("replace whiteout: %w", err)
		}
		replaced = true
	}
	delete(u.layer.whiteouts, name)
	if err := u.create(parent, name, base, hdr, r); err != nil {
		return err
	}
	if replaced {
		if err := u.setOpaque(parent, base); err != nil {
			return err
		}
	}
	return u.xattrs(parent, base, hdr)
}

// whiteout marks target, a name of the layers below, as removed. A name
// this layer itself made stays (the format applies whiteouts to the
// layers below only): a directory then becomes opaque, anything else
// hides the layers below by itself.
func (u *unpacker) whiteout(parent int, name, target string) error {
	if target == "" || target == "." || target == ".." || strings.Contains(target, "/") {
		return fmt.Errorf("whiteout of %q: not a name", target)
	}
	var st unix.Stat_t
	err := unix.Fstatat(parent, target, &st, unix.AT_SYMLINK_NOFOLLOW)
	switch {
	case err == nil && st.Mode&unix.S_IFMT == unix.S_IFDIR:
		return u.setOpaque(parent, target)
	case err == nil:
		return nil
	case err != unix.ENOENT:
		return fmt.Errorf("whiteout of %q: %w", target, err)
	}
	if err := unix.Mknodat(parent, target, unix.S_IFCHR, 0); err != nil {
		return fmt.Errorf("whiteout of %q: mknod 0:0: %w", target, err)
	}
	u.layer.whiteouts[strings.TrimPrefix(pathJoin(name, target), "./")] = true
	return nil
}

// pathJoin is the name of target next to the whiteout entry name.
func pathJoin(name, target string) string {
	if i := strings.LastIndex(name, "/"); i >= 0 {
		return name[:i+1] + target
	}
	return target
}

// setOpaque marks the directory base in parent opaque.
func (u *unpacker) setOpaque(parent int, base string) error {
	fd, err := unix.Openat2(parent, base, &unix.OpenHow{Flags: unix.O_RDONLY | unix.O_DIRECTORY | unix.O_CLOEXEC, Resolve: resolveFlags})
	if err != nil {
		return fmt.Errorf("opaque directory %s: %w", base, err)
	}
	defer unix.Close(fd)
	if err := unix.Fsetxattr(fd, u.layer.opaque, []byte("y"), 0); err != nil {
		return fmt.Errorf("opaque directory %s: set %s: %w", base, u.layer.opaque, err)
	}
	return nil
}

// paxXattr prefixes an extended attribute in a tar header's PAX records.
const paxXattr = "SCHILY.xattr."

// keepXattr reports whether an entry's extended attribute is kept: the
// user namespace, but never overlayfs's own marks (user.overlay.*, which
// a userxattr overlay would obey), and file capabilities. Everything
// else, trusted.* (overlayfs's redirect and metacopy marks among them)
// and security labels of another system, is left out.
func keepXattr(name string) bool {
	return name == "security.capability" ||
		strings.HasPrefix(name, "user.") && !strings.HasPrefix(name, "user.overlay.")
}

// xattrs sets the kept extended attributes of a regular file or
// directory; other kinds are never opened. An attribute the filesystem or
// an unprivileged unpacker cannot set is left out.
func (u *unpacker) xattrs(parent int, base string, hdr *tar.Header) error {
	if hdr.Typeflag != tar.TypeReg && hdr.Typeflag != tar.TypeDir {
		return nil
	}
	var fd = -1
	defer func() {
		if fd >= 0 {
			unix.Close(fd)
		}
	}()
	for key, value := range hdr.PAXRecords {
		name, ok := strings.CutPrefix(key, paxXattr)
		if !ok || !keepXattr(name) {
			continue
		}
		if fd < 0 {
			var err error
			fd, err = unix.Openat2(parent, base, &unix.OpenHow{Flags: unix.O_RDONLY | unix.O_NOFOLLOW | unix.O_CLOEXEC, Resolve: resolveFlags})
			if err != nil {
				return fmt.Errorf("open for xattrs: %w", err)
			}
		}
		err := unix.Fsetxattr(fd, name, []byte(value), 0)
		if err != nil && err != unix.EPERM && err != unix.ENOTSUP {
			return fmt.Errorf("set xattr %s: %w", name, err)
		}
	}
	return nil
}
