package isolation

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// The child builds the new root on a private tmpfs (the base) so that every
// host path stays reachable under oldRootDir while targets are filled in under
// newRootDir. pivot_root moves the base off its mount point, so nothing of the
// host is hidden by it, and it is detached with the old root at the end.
const (
	baseDir    = "/tmp" // any host directory works: the base mount moves away from it
	oldRootDir = "/oldroot"
	newRootDir = "/newroot"
)

// enterBase mounts the base tmpfs and pivots into it; the host's root is then
// at oldRootDir.
func enterBase() *StepError {
	if err := unix.Mount("sandbox-base", baseDir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=0700,size=64k"); err != nil {
		return stepErr("mount base tmpfs on "+baseDir, err)
	}
	for _, d := range []string{"oldroot", "newroot"} {
		if err := unix.Mkdir(baseDir+"/"+d, 0o755); err != nil {
			return stepErr("mkdir "+baseDir+"/"+d, err)
		}
	}
	if err := unix.Chdir(baseDir); err != nil {
		return stepErr("chdir "+baseDir, err)
	}
	if err := unix.PivotRoot(".", "oldroot"); err != nil {
		return stepErr("pivot_root into base", err)
	}
	if err := unix.Chdir("/"); err != nil {
		return stepErr("chdir /", err)
	}
	return nil
}

// buildRoot mounts the root filesystem at newRootDir and performs every
// mount of the spec inside it. It returns the new root's null device,
// opened and verified for the masks, which are made after pivot_root.
func buildRoot(s *Spec) (*os.File, *StepError) {
	host, err := openDir(oldRootDir)
	if err != nil {
		return nil, stepErr("open the host's root", err)
	}
	defer host.Close()
	b := &builder{host: host}
	if err := b.mountRoot(s.Root); err != nil {
		return nil, err
	}
	if b.root, err = openDir(newRootDir); err != nil {
		return nil, stepErr("open new root", err)
	}
	defer b.root.Close()
	for _, m := range s.Mounts {
		if err := b.doMount(m); err != nil {
			return nil, err
		}
	}
	null, err := openNull(b.root)
	if err != nil {
		return nil, stepErr("open the null device for masks", err)
	}
	return null, nil
}

// mountRoot mounts the root filesystem at newRootDir: a tmpfs for the
// host view, an overlay, or a bind of the root directory.
func (b *builder) mountRoot(r Root) *StepError {
	switch {
	case r.Source == "":
		if err := unix.Mount("sandbox-root", newRootDir, "tmpfs", flagBits(r.Flags), "mode=0755"); err != nil {
			return stepErr("mount tmpfs root", err)
		}
	case r.Overlay:
		if err := b.notHostRoot(r.Source, r.Beneath); err != nil {
			return stepErr("overlay rootfs "+r.Source, err)
		}
		o := overlaySpec{lower: r.Source, lowerBeneath: r.Beneath, more: r.Lower, userxattr: r.UserXattr, state: r.StateDir, stateBeneath: r.StateBeneath,
			tmpfsData: "mode=0755", fuse: r.FuseOverlay}
		if err := b.mountOverlayAt(newRootDir, o, flagBits(r.Flags)); err != nil {
			return stepErr("overlay rootfs "+r.Source, err)
		}
	default:
		if err := b.bindRoot(r); err != nil {
			return stepErr("bind rootfs "+r.Source, err)
		}
	}
	return nil
}

// notHostRoot refuses a root directory that is the host's own "/", under
// whatever name it was reached: the launcher checked it too, but the
// child mounts what it opens now.
func (b *builder) notHostRoot(p, beneath string) error {
	src, err := openSource(b.host, p, beneath)
	if err != nil {
		return err
	}
	defer src.Close()
	return sameAsHostRoot(src, b.host)
}

// sameAsHostRoot returns an error when f is the directory host is.
func sameAsHostRoot(f, host *os.File) error {
	var a, h unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &a); err != nil {
		return err
	}
	if err := unix.Fstat(int(host.Fd()), &h); err != nil {
		return err
	}
	if a.Dev == h.Dev && a.Ino == h.Ino {
		return fmt.Errorf("%s is the host's /, which a sandbox never gets as its root", f.Name())
	}
	return nil
}

// bindRoot binds the root directory at newRootDir with the root's flags.
func (b *builder) bindRoot(r Root) error {
	src, err := openSource(b.host, r.Source, r.Beneath)
	if err != nil {
		return err
	}
	defer src.Close()
	if err := isDir(src); err != nil {
		return err
	}
	if err := sameAsHostRoot(src, b.host); err != nil {
		return err
	}
	target, err := openDir(newRootDir)
	if err != nil {
		return err
	}
	defer target.Close()
	return bindFrom(src, target, r.Flags, hostProc)
}

// pivotInto makes dir the root, detaches everything else and optionally
// makes the new root read-only.
func pivotInto(dir string, readonly bool) *StepError {
	if err := unix.Chdir(dir); err != nil {
		return stepErr("chdir new root", err)
	}
	if err := unix.PivotRoot(".", "."); err != nil {
		return stepErr("pivot_root", err)
	}
	// The old root is stacked on "/" now: detach it, and the host with it.
	if err := unix.Unmount(".", unix.MNT_DETACH); err != nil {
		return stepErr("detach old root", err)
	}
	if err := unix.Chdir("/"); err != nil {
		return stepErr("chdir /", err)
	}
	if readonly {
		if err := remountReadonly("/"); err != nil {
			return stepErr("make / read-only", err)
		}
	}
	return nil
}

// remountReadonly makes the mount at p read-only, keeping its other
// flags (locked ones in a user namespace included), and leaves the mounts
// below it as they are.
func remountReadonly(p string) error {
	var st unix.Statfs_t
	if err := unix.Statfs(p, &st); err != nil {
		return err
	}
	keep := uintptr(st.Flags) & (unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC | unix.MS_NOATIME | unix.MS_NODIRATIME | unix.MS_RELATIME)
	return unix.Mount("", p, "", unix.MS_REMOUNT|unix.MS_BIND|unix.MS_RDONLY|keep, "")
}
