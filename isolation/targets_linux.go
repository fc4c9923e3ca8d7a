package isolation

import (
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// kernelDirs are the trees the sandbox builds itself. A mount step whose
// target is written outside them must not land inside them through a
// symlink of the root filesystem: it could cover a masked path, a kernel
// knob, or the null device that masks are made of.
var kernelDirs = []string{"/proc", "/sys", "/dev"}

// inKernelDirs reports whether target is written on or under a kernelDir.
func inKernelDirs(target string) bool {
	for _, k := range kernelDirs {
		if target == k || strings.HasPrefix(target, k+"/") {
			return true
		}
	}
	return false
}

// target opens the directory target inside the new root, creating what is
// missing of it when create is set, and checks where it landed.
func (b *builder) target(target string, create bool) (*os.File, error) {
	var f *os.File
	var err error
	if create {
		f, err = mkdirAllInRoot(b.root, target)
	} else {
		f, err = openInRoot(b.root, target)
	}
	if err != nil {
		return nil, err
	}
	if err := b.checkLanding(f, target); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// checkLanding records the mounts made on the sandbox's own kernel trees
// and refuses a target written elsewhere that resolved onto one of them:
// every mount there has a device of its own (proc, sysfs, the tmpfs of
// /dev and /dev/shm, devpts, mqueue, the null device's devtmpfs).
func (b *builder) checkLanding(f *os.File, target string) error {
	if inKernelDirs(target) {
		b.kernelTargets = append(b.kernelTargets, target)
		return nil
	}
	if len(b.kernelTargets) == 0 {
		return nil
	}
	b.learnKernelDevs()
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return err
	}
	if b.kernelDevs[st.Dev] {
		return fmt.Errorf("the target %s resolves into the sandbox's /proc, /sys or /dev, which it sets up itself: a symlink of the root filesystem leads there", target)
	}
	return nil
}

// learnKernelDevs adds the devices of the kernel trees mounted since the
// last call: each target as it is now, with its mount on it.
func (b *builder) learnKernelDevs() {
	if b.kernelDevs == nil {
		b.kernelDevs = map[uint64]bool{}
	}
	for ; b.kernelDone < len(b.kernelTargets); b.kernelDone++ {
		fd, err := openat2Retry(int(b.root.Fd()), b.kernelTargets[b.kernelDone], unix.O_PATH|unix.O_CLOEXEC, inRoot)
		if err != nil {
			continue // an optional step that was skipped
		}
		var st unix.Stat_t
		if unix.Fstat(fd, &st) == nil {
			b.kernelDevs[st.Dev] = true
		}
		unix.Close(fd)
	}
}
