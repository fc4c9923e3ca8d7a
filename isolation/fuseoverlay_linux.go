package isolation

import (
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
// child's taken before the child pivots into the new root: the pivot
// moves the root of every process of its mount namespace, and a daemon
// whose root became its own mount would walk through itself on each
// path it resolves (/proc/self/fd/N/..., which it uses to read xattrs)
// and wait on itself, and would resolve paths in a tree the sandbox
// writes. In its own namespace its root stays the base, with links to
// the host's /usr, /lib, /lib64 and /etc while it starts and a /proc of
// the sandbox's pid namespace for as long as it runs. It is a process of
// the sandbox's pid namespace, whose end ends it; see docs/rootless.md
// for what the sandbox can see of it.

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
	files := append([]*os.File{dev, l.upper, l.work}, l.lowers...)
	name := func(i int) string { return "/proc/self/fd/" + strconv.Itoa(3+i) } // ExtraFiles' numbers
	lowers := make([]string, len(l.lowers))
	for i := range l.lowers {
		lowers[i] = name(3 + i)
	}
	opts := fmt.Sprintf("lowerdir=%s,upperdir=%s,workdir=%s", strings.Join(lowers, ":"), name(1), name(2))
	null, err := os.Open(oldRootDir + "/dev/null") // the base has no /dev
	if err != nil {
		return fmt.Errorf("fuse-overlayfs: %v", err)
	}
	defer null.Close()
	if err := daemonProc(); err != nil {
		return err
	}
	defer unix.Unmount("/proc", unix.MNT_DETACH) // the daemon's namespace keeps its copy
	defer hostLinks()()
	// Its output goes to a file, not a pipe, whose other end the daemon
	// would keep open: Run returns once it has daemonized.
	mfd, err := unix.MemfdCreate("fuse-overlayfs-output", unix.MFD_CLOEXEC)
	if err != nil {
		return fmt.Errorf("fuse-overlayfs: %v", err)
	}
	out := os.NewFile(uintptr(mfd), "fuse-overlayfs-output")
	defer out.Close()
	cmd := &exec.Cmd{
		Path:        oldRootDir + path,
		Args:        []string{"fuse-overlayfs", "-o", opts, "/dev/fd/3"},
		Env:         []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin"},
		Stdin:       null,
		ExtraFiles:  files,
		Stdout:      out,
		Stderr:      out,
		SysProcAttr: &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNS},
	}
	if err := cmd.Run(); err != nil {
		said, _ := io.ReadAll(io.NewSectionReader(out, 0, 1<<16))
		return fmt.Errorf("the kernel refuses overlayfs in a user namespace, and fuse-overlayfs failed: %w: %s",
			err, strings.TrimSpace(string(said)))
	}
	return nil
}

// daemonProc mounts a proc of the sandbox's pid namespace on the base's
// /proc, which fuse-overlayfs reads (/proc/self/fd) for as long as it
// runs.
func daemonProc() error {
	if err := os.Mkdir("/proc", 0o555); err != nil && !os.IsExist(err) {
		return fmt.Errorf("fuse-overlayfs: %v", err)
	}
	if err := unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return fmt.Errorf("fuse-overlayfs: mount its /proc: %v", err)
	}
	return nil
}

// hostLinks links the host directories a dynamically linked host program
// needs into the base, and returns what removes them again; a name the
// base has already is left alone.
func hostLinks() (remove func()) {
	var made []string
	for _, d := range []string{"usr", "lib", "lib64", "etc"} {
		if os.Symlink(oldRootDir+"/"+d, "/"+d) == nil {
			made = append(made, "/"+d)
		}
	}
	return func() {
		for _, l := range made {
			os.Remove(l)
		}
	}
}
