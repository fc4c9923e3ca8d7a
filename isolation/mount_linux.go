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

// builder performs the mount steps of a spec in the new root.
type builder struct {
	host *os.File // the host's root, at oldRootDir
	root *os.File // the new root, at newRootDir
	// kernel are the devices of the mounts made on or under /proc, /sys
	// and /dev so far, and kernelDone how many of kernelTargets have been
	// looked at: no other mount may land on them.
	kernelTargets []string
	kernelDevs    map[uint64]bool
	kernelDone    int
}

// doMount performs one mount step inside the new root.
func (b *builder) doMount(m Mount) *StepError {
	switch m.Kind {
	case KindBind:
		return b.bindMount(m)
	case KindFS:
		return b.fsMount(m)
	case KindSymlink:
		return symlink(b.root, m)
	case KindOverlay:
		return b.overlayMount(m)
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
	case KindOverlay:
		return fmt.Sprintf("overlay %s on %s", m.Source, m.Target)
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

func (b *builder) fsMount(m Mount) *StepError {
	step := describe(m)
	target, err := b.target(m.Target, true)
	if err != nil {
		return stepErr(step, err)
	}
	defer target.Close()
	if err := unix.Mount(m.FSType, fdPath(target), m.FSType, flagBits(m.Flags), m.Data); err != nil {
		return stepErr(step, err)
	}
	return nil
}

func (b *builder) bindMount(m Mount) *StepError {
	step := describe(m)
	src, err := openSource(b.host, m.Source, m.Beneath)
	if err != nil {
		if m.Optional && errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return stepErr(step, err)
	}
	defer src.Close()
	var st unix.Stat_t
	if err := unix.Fstat(int(src.Fd()), &st); err != nil {
		return stepErr(step, err)
	}
	target, err := b.bindTarget(m.Target, st.Mode&unix.S_IFMT == unix.S_IFDIR)
	if err != nil {
		return stepErr(step, err)
	}
	defer target.Close()
	if err := bindFrom(src, target, m.Flags, hostProc); err != nil {
		return stepErr(step, err)
	}
	return nil
}

// bindFrom attaches a recursive copy of the mount tree at src on target,
// with flags set on every mount of the copy before it is attached
// (open_tree(2), mount_setattr(2), move_mount(2)): nothing is ever
// visible writable that should not be, and no path is resolved again.
// proc is the /proc this process sees itself in, for older kernels.
func bindFrom(src, target *os.File, flags []string, proc string) error {
	tree, err := unix.OpenTree(int(src.Fd()), "", unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC|unix.AT_RECURSIVE|unix.AT_EMPTY_PATH)
	if errors.Is(err, unix.ENOSYS) {
		return bindByPath(src, target, flags, proc) // before Linux 5.2
	}
	if err != nil {
		return fmt.Errorf("open_tree: %w", err)
	}
	defer unix.Close(tree)
	attrsSet := true
	if len(flags) > 0 {
		err = unix.MountSetattr(tree, "", unix.AT_EMPTY_PATH|unix.AT_RECURSIVE, &unix.MountAttr{Attr_set: attrBits(flags)})
		attrsSet = !errors.Is(err, unix.ENOSYS) // before Linux 5.12
		if err != nil && attrsSet {
			return fmt.Errorf("set %s: %w", strings.Join(flags, ","), err)
		}
	}
	if err := unix.MoveMount(tree, "", int(target.Fd()), "", unix.MOVE_MOUNT_F_EMPTY_PATH|unix.MOVE_MOUNT_T_EMPTY_PATH); err != nil {
		return fmt.Errorf("move_mount: %w", err)
	}
	if !attrsSet {
		return remountTree(fdIn(proc, target), proc, flags)
	}
	return nil
}

// bindByPath is bindFrom for kernels without open_tree(2): a recursive
// bind through the handles' /proc paths, then the flags.
func bindByPath(src, target *os.File, flags []string, proc string) error {
	if err := unix.Mount(fdIn(proc, src), fdIn(proc, target), "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return err
	}
	if len(flags) == 0 {
		return nil
	}
	return remountTree(fdIn(proc, target), proc, flags)
}

// attrBits turns flag names into MOUNT_ATTR_ bits.
func attrBits(names []string) uint64 {
	var attr uint64
	for _, name := range names {
		attr |= mountAttrs[name]
	}
	return attr
}

// bindTarget opens (creating if needed) the mount point for a bind: a
// directory for a directory source, an empty file otherwise.
func (b *builder) bindTarget(target string, dir bool) (*os.File, error) {
	if dir {
		return b.target(target, true)
	}
	parent, err := b.target(path.Dir(target), true)
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
	f := os.NewFile(uintptr(fd), target)
	if err := b.checkLanding(f, target); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
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

// hostProc is the host's /proc while the new root is built; after
// pivot_root the sandbox's own is at /proc.
const hostProc = oldRootDir + "/proc"

// fdPath names an open file through the host's /proc, so that mount(2)
// acts on exactly the inode that was resolved safely.
func fdPath(f *os.File) string { return fdIn(hostProc, f) }

// fdIn names an open file through the /proc at proc.
func fdIn(proc string, f *os.File) string {
	return fmt.Sprintf("%s/self/fd/%d", proc, f.Fd())
}
