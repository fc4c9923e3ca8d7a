package isolation

import (
	"errors"
	"fmt"
	"os"
	"path"
	"strings"

	"golang.org/x/sys/unix"
)

// mountFlags maps the flag names a Spec may carry to their MS_ bits.
var mountFlags = map[string]uintptr{
	"ro":     unix.MS_RDONLY,
	"nosuid": unix.MS_NOSUID,
	"nodev":  unix.MS_NODEV,
	"noexec": unix.MS_NOEXEC,
}

// mountAttrs maps the same names to mount_setattr attributes.
var mountAttrs = map[string]uint64{
	"ro":     unix.MOUNT_ATTR_RDONLY,
	"nosuid": unix.MOUNT_ATTR_NOSUID,
	"nodev":  unix.MOUNT_ATTR_NODEV,
	"noexec": unix.MOUNT_ATTR_NOEXEC,
}

// MountFlagNames lists the flag names a Mount may carry.
func MountFlagNames() []string { return []string{"ro", "nosuid", "nodev", "noexec"} }

// doMount performs one mount step inside root.
func doMount(root *os.File, m Mount) *StepError {
	switch m.Kind {
	case KindBind:
		return bindMount(root, m)
	case KindFS:
		return fsMount(root, m)
	case KindSymlink:
		return symlink(root, m)
	case KindOverlay:
		return overlayMount(root, m)
	}
	return &StepError{Step: "mount " + m.Target, Msg: fmt.Sprintf("unknown mount kind %q", m.Kind)}
}

// describe names a mount step the way errors and plans show it.
func describe(m Mount) string {
	switch m.Kind {
	case KindBind:
		return fmt.Sprintf("bind %s on %s", m.Source, m.Target)
	case KindSymlink:
		return fmt.Sprintf("symlink %s -> %s", m.Target, m.Source)
	}
	return fmt.Sprintf("mount %s on %s", m.FSType, m.Target)
}

// flagBits turns flag names into MS_ bits.
func flagBits(names []string) uintptr {
	var flags uintptr
	for _, f := range names {
		flags |= mountFlags[f]
	}
	return flags
}

func fsMount(root *os.File, m Mount) *StepError {
	step := describe(m)
	target, err := mkdirAllInRoot(root, m.Target)
	if err != nil {
		return stepErr(step, err)
	}
	defer target.Close()
	if err := unix.Mount(m.FSType, fdPath(target), m.FSType, flagBits(m.Flags), m.Data); err != nil {
		return stepErr(step, err)
	}
	return nil
}

func bindMount(root *os.File, m Mount) *StepError {
	step := describe(m)
	src := hostPath(m.Source)
	info, err := os.Stat(src)
	if err != nil {
		if m.Optional && errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return stepErr(step, err)
	}
	target, serr := bindTarget(root, m.Target, info.IsDir())
	if serr != nil {
		return stepErr(step, serr)
	}
	defer target.Close()
	if err := unix.Mount(src, fdPath(target), "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return stepErr(step, err)
	}
	if len(m.Flags) == 0 {
		return nil
	}
	// The handle still names the directory below the new mount: reopen it.
	mounted, err := openInRoot(root, m.Target)
	if err != nil {
		return stepErr(step, err)
	}
	defer mounted.Close()
	if err := setMountAttrs(mounted, m.Flags); err != nil {
		return stepErr(step+": set "+strings.Join(m.Flags, ","), err)
	}
	return nil
}

// bindTarget opens (creating if needed) the mount point for a bind: a
// directory for a directory source, an empty file otherwise.
func bindTarget(root *os.File, target string, dir bool) (*os.File, error) {
	if dir {
		return mkdirAllInRoot(root, target)
	}
	parent, err := mkdirAllInRoot(root, path.Dir(target))
	if err != nil {
		return nil, err
	}
	defer parent.Close()
	name := path.Base(target)
	fd, err := unix.Openat(int(parent.Fd()), name, unix.O_CREAT|unix.O_EXCL|unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o644)
	if err == unix.EEXIST {
		fd, err = unix.Openat(int(parent.Fd()), name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err == nil {
			err = checkNotSymlink(fd)
		}
	}
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), target), nil
}

func checkNotSymlink(fd int) error {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return err
	}
	if st.Mode&unix.S_IFMT == unix.S_IFLNK {
		unix.Close(fd)
		return errors.New("mount target is a symlink")
	}
	return nil
}

// setMountAttrs applies flags to a mount and everything below it.
func setMountAttrs(f *os.File, flags []string) error {
	var attr unix.MountAttr
	for _, name := range flags {
		attr.Attr_set |= mountAttrs[name]
	}
	err := unix.MountSetattr(int(f.Fd()), "", unix.AT_EMPTY_PATH|unix.AT_RECURSIVE, &attr)
	if err != unix.ENOSYS {
		return err
	}
	// Kernels before 5.12: remount the top mount only.
	return unix.Mount("", fdPath(f), "", unix.MS_REMOUNT|unix.MS_BIND|flagBits(flags), "")
}

func symlink(root *os.File, m Mount) *StepError {
	step := describe(m)
	parent, err := mkdirAllInRoot(root, path.Dir(m.Target))
	if err != nil {
		return stepErr(step, err)
	}
	defer parent.Close()
	name := path.Base(m.Target)
	err = unix.Symlinkat(m.Source, int(parent.Fd()), name)
	if err == unix.EEXIST {
		if cur, rerr := readlinkat(int(parent.Fd()), name); rerr == nil && cur == m.Source {
			return nil
		}
	}
	if err != nil {
		return stepErr(step, err)
	}
	return nil
}

func readlinkat(dirfd int, name string) (string, error) {
	buf := make([]byte, unix.PathMax)
	n, err := unix.Readlinkat(dirfd, name, buf)
	if err != nil {
		return "", err
	}
	return string(buf[:n]), nil
}

// fdPath names an open file through the host's /proc, so that mount(2)
// acts on exactly the inode that was resolved safely.
func fdPath(f *os.File) string {
	return fmt.Sprintf("%s/proc/self/fd/%d", oldRootDir, f.Fd())
}
