package isolation

import (
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
// mount of the spec inside it.
func buildRoot(s *Spec) *StepError {
	if s.Root.Source == "" {
		if err := unix.Mount("sandbox-root", newRootDir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=0755"); err != nil {
			return stepErr("mount tmpfs root", err)
		}
	} else if s.Root.Overlay {
		if err := mountOverlayAt(newRootDir, s.Root.Source, s.Root.StateDir, "mode=0755", unix.MS_NOSUID); err != nil {
			return stepErr("overlay rootfs "+s.Root.Source, err)
		}
	} else {
		src := hostPath(s.Root.Source)
		if err := unix.Mount(src, newRootDir, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return stepErr("bind rootfs "+s.Root.Source, err)
		}
	}
	root, err := os.OpenFile(newRootDir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return stepErr("open new root", err)
	}
	defer root.Close()
	for _, m := range s.Mounts {
		if err := doMount(root, m); err != nil {
			return err
		}
	}
	return nil
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
		if err := unix.Mount("", "/", "", unix.MS_REMOUNT|unix.MS_BIND|unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV, ""); err != nil {
			return stepErr("make / read-only", err)
		}
	}
	return nil
}

// hostPath is where a host path is reachable while the root is being built.
func hostPath(p string) string {
	return oldRootDir + p
}
