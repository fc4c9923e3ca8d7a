package oci

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// CopyStats counts what a copy into a bundle left out or changed.
type CopyStats struct {
	// Devices are the device nodes and sockets left out.
	Devices int
	// Setuid are the files whose setuid or setgid bit was cleared.
	Setuid int
}

// CopyTree copies the directory src into dst, as cp -a would, with two
// exceptions: device nodes (and sockets) are left out, and no file keeps
// a setuid or setgid bit. A bundle sits wherever its user put it, often
// where others can reach it; a setuid-root shell or a node of the host's
// disk there would be theirs to use. Owners are kept when running as root;
// hard links become copies. src is read by name (it is a cache entry that
// only root may change); dst, an empty directory, is written relative to
// its descriptor and gets src's owner, mode and times last.
func CopyTree(src string, dst *Dir, st *CopyStats) error {
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			return err
		}
		if err := copyEntry(filepath.Join(src, e.Name()), info, dst, st); err != nil {
			return err
		}
	}
	info, err := os.Lstat(src)
	if err != nil {
		return err
	}
	return finish(dst.fd, "", info, unixMode(info)&^(unix.S_ISUID|unix.S_ISGID), 0)
}

// copyEntry copies one entry, of Lstat info, into dst.
func copyEntry(path string, info fs.FileInfo, dst *Dir, st *CopyStats) error {
	name := info.Name()
	mode := unixMode(info) &^ (unix.S_ISUID | unix.S_ISGID)
	if unixMode(info)&(unix.S_ISUID|unix.S_ISGID) != 0 && !info.IsDir() {
		st.Setuid++
	}
	switch t := info.Mode().Type(); {
	case info.IsDir():
		sub, err := dst.Mkdir(name, 0o700)
		if err != nil {
			return err
		}
		defer sub.Close()
		return CopyTree(path, sub, st)
	case t.IsRegular():
		return copyFile(path, info, dst, mode)
	case t&fs.ModeSymlink != 0:
		target, err := os.Readlink(path)
		if err == nil {
			err = unix.Symlinkat(target, dst.fd, name)
		}
		if err != nil {
			return fmt.Errorf("copy link %s: %w", path, err)
		}
		return finish(dst.fd, name, info, 0, unix.AT_SYMLINK_NOFOLLOW)
	case t&fs.ModeNamedPipe != 0:
		if err := unix.Mknodat(dst.fd, name, unix.S_IFIFO|0o600, 0); err != nil {
			return fmt.Errorf("copy fifo %s: %w", path, err)
		}
		return finish(dst.fd, name, info, mode, 0)
	}
	st.Devices++ // a device node or a socket
	return nil
}

// copyFile copies the regular file at path into dst, with mode.
func copyFile(path string, info fs.FileInfo, dst *Dir, mode uint32) error {
	in, err := os.Open(path)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := dst.create(info.Name(), 0o600)
	if err != nil {
		return err
	}
	defer out.Close()
	if _, err := io.Copy(out, in); err != nil {
		return fmt.Errorf("copy %s: %w", path, err)
	}
	return finish(int(out.Fd()), "", info, mode, 0)
}

// finish gives the new entry (fd itself when name is "", else name in the
// directory fd) the owner (as root), mode (unless 0) and times of info. The
// mode comes after the owner, which a chown would otherwise clear bits of.
func finish(fd int, name string, info fs.FileInfo, mode uint32, flags int) error {
	sys, _ := info.Sys().(*unix.Stat_t)
	var err error
	if sys != nil && os.Geteuid() == 0 {
		if name == "" {
			err = unix.Fchown(fd, int(sys.Uid), int(sys.Gid))
		} else {
			err = unix.Fchownat(fd, name, int(sys.Uid), int(sys.Gid), flags)
		}
	}
	if err == nil && mode != 0 {
		if name == "" {
			err = unix.Fchmod(fd, mode)
		} else {
			err = unix.Fchmodat(fd, name, mode, 0)
		}
	}
	ts := []unix.Timespec{unix.NsecToTimespec(info.ModTime().UnixNano()), unix.NsecToTimespec(info.ModTime().UnixNano())}
	if err == nil && name == "" {
		err = unix.UtimesNanoAt(fd, "", ts, unix.AT_EMPTY_PATH)
	} else if err == nil {
		err = unix.UtimesNanoAt(fd, name, ts, unix.AT_SYMLINK_NOFOLLOW)
	}
	if err != nil {
		return fmt.Errorf("copy %s: %w", info.Name(), err)
	}
	return nil
}

// unixMode is info's permission, setuid, setgid and sticky bits, as chmod(2) takes them.
func unixMode(info fs.FileInfo) uint32 {
	m := uint32(info.Mode().Perm())
	if info.Mode()&fs.ModeSetuid != 0 {
		m |= unix.S_ISUID
	}
	if info.Mode()&fs.ModeSetgid != 0 {
		m |= unix.S_ISGID
	}
	if info.Mode()&fs.ModeSticky != 0 {
		m |= unix.S_ISVTX
	}
	return m
}
