package isolation

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// overlayLayers are the open directories of one overlay. Every path handed
// to mount(2) names one of them through /proc/self/fd, so no host path is
// parsed as mount options and none is resolved twice.
type overlayLayers struct {
	lower, upper, work *os.File
}

func (l *overlayLayers) close() {
	for _, f := range []*os.File{l.lower, l.upper, l.work} {
		if f != nil {
			f.Close()
		}
	}
}

func (l *overlayLayers) data() string {
	return fmt.Sprintf("lowerdir=%s,upperdir=%s,workdir=%s", fdPath(l.lower), fdPath(l.upper), fdPath(l.work))
}

// openLayers opens the host directory lower and an upper and work directory:
// stateDir/upper and stateDir/work on the host, or on a fresh tmpfs (mounted
// with tmpfsData) when stateDir is "".
func openLayers(lower, stateDir, tmpfsData string) (*overlayLayers, error) {
	l := &overlayLayers{}
	var err error
	if l.lower, err = openDir(hostPath(lower)); err != nil {
		return nil, err
	}
	scratch := hostPath(stateDir)
	if stateDir == "" {
		// The scratch tmpfs sits on the base, which is detached with the
		// old root: only the overlay keeps it alive.
		if scratch, err = os.MkdirTemp("/", "overlay-"); err != nil {
			l.close()
			return nil, fmt.Errorf("make overlay scratch dir: %w", err)
		}
		if err = unix.Mount("sandbox-overlay", scratch, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, tmpfsData); err != nil {
			l.close()
			return nil, fmt.Errorf("mount tmpfs for overlay upper: %w", err)
		}
	}
	for _, d := range []struct {
		name string
		f    **os.File
	}{{"upper", &l.upper}, {"work", &l.work}} {
		if err = os.Mkdir(filepath.Join(scratch, d.name), 0o755); err != nil && !os.IsExist(err) {
			break
		}
		if *d.f, err = openDir(filepath.Join(scratch, d.name)); err != nil {
			break
		}
	}
	if err != nil {
		l.close()
		return nil, err
	}
	return l, nil
}

// openDir opens a directory as a path handle without following a final symlink.
func openDir(p string) (*os.File, error) {
	fd, err := unix.Open(p, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: p, Err: err}
	}
	return os.NewFile(uintptr(fd), p), nil
}

// mountOverlayAt mounts an overlay of lower (a host path) on the directory
// at target, a path the caller resolved safely.
func mountOverlayAt(target, lower, stateDir, tmpfsData string, flags uintptr) error {
	l, err := openLayers(lower, stateDir, tmpfsData)
	if err != nil {
		return err
	}
	defer l.close()
	return unix.Mount("overlay", target, "overlay", flags, l.data())
}

// overlayMount performs a KindOverlay step: Source is the lower layer, the
// upper layer is a tmpfs sized by Data.
func overlayMount(root *os.File, m Mount) *StepError {
	step := fmt.Sprintf("overlay %s on %s", m.Source, m.Target)
	target, err := mkdirAllInRoot(root, m.Target)
	if err != nil {
		return stepErr(step, err)
	}
	defer target.Close()
	if err := mountOverlayAt(fdPath(target), m.Source, "", m.Data, flagBits(m.Flags)); err != nil {
		return stepErr(step, err)
	}
	return nil
}
