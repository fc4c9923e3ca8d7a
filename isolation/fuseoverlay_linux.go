package isolation

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Before Linux 5.11 the kernel refuses an overlay mount in a user
// namespace (EPERM), which is where every sandbox started without root
// runs. There the child mounts the same layers with fuse-overlayfs, as
// rootless podman does. The child itself mounts the FUSE file system on
// the target with a /dev/fuse it opened from the host, and hands that
// descriptor to fuse-overlayfs ("/dev/fd/N" as its mount point), which
// then only serves it.
//
// fuse-overlayfs runs in a mount namespace of its own, a copy of the
// child's taken before the child pivots into the new root, chrooted in a
// directory of the base that holds only what it needs (newDaemonTree).
// In the child's namespace it would hang: the pivot moves the root of
// every process of that namespace, so the daemon's root would become its
// own mount, and the first path it resolves while serving a request
// (/proc/self/fd/N/..., to read an xattr) would ask itself for a
// getattr it cannot answer; it would also resolve paths in a tree the
// sandbox writes. It is a process of the sandbox's pid namespace, whose
// end ends it. The sandbox sees it there, may signal it (which breaks
// only its own root) and may read its mount table; its root, its
// descriptors and its memory are refused to the sandbox, whose
// capabilities are fewer than the daemon's (the launcher offers the
// fallback only without CAP_SYS_PTRACE).

// OverlayMountFault, when set, is asked before the kernel's overlay
// mount whose topmost lower layer is lower; an error it returns stands for
// the kernel's answer. Only tests set it, to prove the fallback on a
// kernel that mounts overlays in user namespaces.
var OverlayMountFault func(lower string) error

// fuseMissing is what the kernel's refusal of an overlay in a user
// namespace is told with where fuse-overlayfs is not installed.
const fuseMissing = "the kernel refuses overlayfs in a user namespace (it allows it from Linux 5.11); " +
	"install fuse-overlayfs to mount it instead: apt-get install fuse-overlayfs"

// kernelOverlay mounts an overlay with the kernel.
func kernelOverlay(target string, flags uintptr, data, lower string) error {
	if OverlayMountFault != nil {
		if err := OverlayMountFault(lower); err != nil {
			return err
		}
	}
	return unix.Mount("overlay", target, "overlay", flags, data)
}

// Its errors are formatted with %v, not %w: a step error that wraps a
// bare errno keeps only the errno, and these say where it failed.

// fuseOverlay mounts the layers l on target with the fuse-overlayfs at
// path on the host, and returns once it serves the mount.
func fuseOverlay(path, target string, flags uintptr, l *overlayLayers) error {
	dev, err := os.OpenFile(oldRootDir+"/dev/fuse", os.O_RDWR, 0)
	if errors.Is(err, os.ErrPermission) {
		return fmt.Errorf("fuse-overlayfs: the host's /dev/fuse does not open for this user (%v): it must be open to every user, mode 0666, as Debian's udev rules make it", err)
	}
	if err != nil {
		return fmt.Errorf("fuse-overlayfs: %v", err)
	}
	defer dev.Close()
	data := fmt.Sprintf("fd=%d,rootmode=40000,user_id=%d,group_id=%d,default_permissions,allow_other",
		dev.Fd(), os.Getuid(), os.Getgid())
	if err := unix.Mount("fuse-overlayfs", target, "fuse.fuse-overlayfs", flags|unix.MS_NODEV|unix.MS_NOATIME, data); err != nil {
		return fmt.Errorf("fuse-overlayfs: mount fuse on %s: %v", target, err)
	}
	if err := runFuseOverlay(path, dev, l); err != nil {
		unix.Unmount(target, unix.MNT_DETACH)
		return err
	}
	return nil
}

// runFuseOverlay starts fuse-overlayfs on the mounted /dev/fuse dev and
// returns once it has daemonized, its layers read.
func runFuseOverlay(path string, dev *os.File, l *overlayLayers) error {
	null, err := os.Open(oldRootDir + "/dev/null") // the base has no /dev
	if err != nil {
		return fmt.Errorf("fuse-overlayfs: %v", err)
	}
	defer null.Close()
	tree, err := newDaemonTree(path, l)
	defer tree.undo()
	if err != nil {
		return err
	}
	// Its output goes to a file, not a pipe, whose other end the daemon
	// would keep open: Run returns once it has daemonized.
	mfd, err := unix.MemfdCreate("fuse-overlayfs-output", unix.MFD_CLOEXEC)
	if err != nil {
		return fmt.Errorf("fuse-overlayfs: %v", err)
	}
	out := os.NewFile(uintptr(mfd), "fuse-overlayfs-output")
	defer out.Close()
	cmd := &exec.Cmd{
		Path:        "/fuse-overlayfs",
		Args:        []string{"fuse-overlayfs", "-o", daemonOptions(len(l.lowers)), "/dev/fd/3"},
		Env:         []string{"PATH=/usr/sbin:/usr/bin"},
		Dir:         "/",
		Stdin:       null,
		ExtraFiles:  []*os.File{dev},
		Stdout:      out,
		Stderr:      out,
		SysProcAttr: &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNS, Chroot: tree.dir},
	}
	if err := cmd.Run(); err != nil {
		said, _ := io.ReadAll(io.NewSectionReader(out, 0, 1<<16))
		return fmt.Errorf("the kernel refuses overlayfs in a user namespace, and fuse-overlayfs failed: %w: %s",
			err, strings.TrimSpace(string(said)))
	}
	return nil
}

// daemonOptions names the layers as newDaemonTree binds them.
func daemonOptions(lowers int) string {
	names := make([]string, lowers)
	for i := range names {
		names[i] = "/layers/" + strconv.Itoa(i)
	}
	return fmt.Sprintf("lowerdir=%s,upperdir=/layers/scratch/upper,workdir=/layers/scratch/work", strings.Join(names, ":"))
}

// daemonTree is the directory of the base that fuse-overlayfs runs
// chrooted in, and the mounts made in it.
type daemonTree struct {
	dir     string
	mounted []string
}

// newDaemonTree fills a fresh directory of the base: the host's
// fuse-overlayfs at path bound on /fuse-overlayfs, the host's /usr, and
// its /lib and /lib64 as the same symlinks or binds, all read-only, the
// layers of l bound on /layers (the lowers, read-only, by number, and
// scratch, which holds upper and work: one mount, since a rename between
// two fails), and a /proc of the sandbox's pid namespace, which
// fuse-overlayfs reads (/proc/self/fd) for as long as it runs. Nothing
// else: the daemon's mount table, which the sandbox can read, shows only
// these. undo takes them out of the child's mount namespace again; the
// daemon's namespace, copied before, keeps them.
func newDaemonTree(path string, l *overlayLayers) (*daemonTree, error) {
	dir, err := os.MkdirTemp("/", "fuse-overlayfs-")
	if err != nil {
		return &daemonTree{}, fmt.Errorf("fuse-overlayfs: %v", err)
	}
	t := &daemonTree{dir: dir}
	if err := t.hostTools(path); err != nil {
		return t, err
	}
	if err := t.layers(l); err != nil {
		return t, err
	}
	if err := os.Mkdir(dir+"/proc", 0o555); err != nil {
		return t, fmt.Errorf("fuse-overlayfs: %v", err)
	}
	if err := unix.Mount("proc", dir+"/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return t, fmt.Errorf("fuse-overlayfs: mount its /proc: %v", err)
	}
	t.mounted = append(t.mounted, dir+"/proc")
	return t, nil
}

// hostTools binds the host's fuse-overlayfs at path and what it loads.
func (t *daemonTree) hostTools(path string) error {
	if err := t.bind(oldRootDir+path, "/fuse-overlayfs", true, true); err != nil {
		return err
	}
	if err := t.bind(oldRootDir+"/usr", "/usr", false, true); err != nil {
		return err
	}
	for _, d := range []string{"/lib", "/lib64"} {
		var err error
		if link, lerr := os.Readlink(oldRootDir + d); lerr == nil {
			err = os.Symlink(link, t.dir+d)
		} else if _, serr := os.Stat(oldRootDir + d); serr == nil {
			err = t.bind(oldRootDir+d, d, false, true)
		}
		if err != nil {
			return fmt.Errorf("fuse-overlayfs: %s: %v", d, err)
		}
	}
	return nil
}

// layers binds the layers of l under /layers.
func (t *daemonTree) layers(l *overlayLayers) error {
	if err := os.Mkdir(t.dir+"/layers", 0o700); err != nil {
		return fmt.Errorf("fuse-overlayfs: %v", err)
	}
	for i, f := range l.lowers {
		if err := t.bind(fdPath(f), "/layers/"+strconv.Itoa(i), false, true); err != nil {
			return err
		}
	}
	return t.bind(fdPath(l.scratch), "/layers/scratch", false, false)
}

// bind binds src on name in the tree, a new file or directory.
func (t *daemonTree) bind(src, name string, file, readonly bool) error {
	dst := t.dir + name
	if err := makeMountPoint(dst, file); err != nil {
		return fmt.Errorf("fuse-overlayfs: %v", err)
	}
	if err := unix.Mount(src, dst, "", unix.MS_BIND, ""); err != nil {
		return fmt.Errorf("fuse-overlayfs: bind %s on %s: %v", src, name, err)
	}
	t.mounted = append(t.mounted, dst)
	if readonly {
		if err := remountReadonly(dst); err != nil {
			return fmt.Errorf("fuse-overlayfs: make %s read-only: %v", name, err)
		}
	}
	return nil
}

// undo detaches the tree's mounts from the child's mount namespace.
func (t *daemonTree) undo() {
	for i := len(t.mounted) - 1; i >= 0; i-- {
		unix.Unmount(t.mounted[i], unix.MNT_DETACH)
	}
}

// makeMountPoint makes the empty file or directory p.
func makeMountPoint(p string, file bool) error {
	if !file {
		return os.Mkdir(p, 0o755)
	}
	f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o755)
	if err != nil {
		return err
	}
	return f.Close()
}
