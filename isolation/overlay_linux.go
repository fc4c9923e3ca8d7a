package isolation

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// overlayLayers are the open directories of one overlay. Every path handed
// to mount(2) names one of them through /proc/self/fd, so no host path is
// parsed as mount options and none is resolved twice.
type overlayLayers struct {
	lowers      []*os.File // topmost first
	upper, work *os.File
	// scratch holds upper and work, which fuse-overlayfs renames
	// between: it is given the one directory (see fuseoverlay_linux.go).
	scratch   *os.File
	userxattr bool
}

func (l *overlayLayers) close() {
	for _, f := range append([]*os.File{l.upper, l.work, l.scratch}, l.lowers...) {
		if f != nil {
			f.Close()
		}
	}
}

// maxOverlayData is what mount(2) copies of the options: one page.
const maxOverlayData = 4095

// maxOverlayLowers is overlayfs's own limit on stacked lower layers.
const maxOverlayLowers = 500

// data is the overlay's option string. Each lower layer is named by its
// /proc/self/fd path, as the upper and work directories are; when that
// would not fit in the page mount(2) copies (some 160 layers), the lower
// layers are named by their bare fd numbers instead, relative to the fd
// directory, which the caller then makes the working directory (see
// mountOverlayAt): 500 layers, overlayfs's limit, fit that way.
func (l *overlayLayers) data() (data string, relative bool) {
	data = l.format(fdPath)
	if len(data) <= maxOverlayData {
		return data, false
	}
	return l.format(func(f *os.File) string { return strconv.Itoa(int(f.Fd())) }), true
}

func (l *overlayLayers) format(name func(*os.File) string) string {
	lowers := make([]string, len(l.lowers))
	for i, f := range l.lowers {
		lowers[i] = name(f)
	}
	data := fmt.Sprintf("lowerdir=%s,upperdir=%s,workdir=%s", strings.Join(lowers, ":"), fdPath(l.upper), fdPath(l.work))
	if l.userxattr {
		data += ",userxattr"
	}
	return data
}

// overlaySpec is what an overlay is made of: host directories, each with
// where it stops being trusted (see Mount.Beneath), and the options of
// the tmpfs that holds the writes when there is no state directory.
type overlaySpec struct {
	lower, lowerBeneath string
	// more are lower layers below lower, topmost first: the launcher's
	// own store made them and trusts them whole (Beneath "").
	more                []string
	userxattr           bool
	state, stateBeneath string
	tmpfsData           string
	// fuse is the host path of fuse-overlayfs, for a kernel that refuses
	// the overlay mount (Root.FuseOverlay); "" gives the kernel's
	// refusal, FuseOverlayMissing that refusal with how to install it.
	fuse string
}

// openLayers opens the host directories lower and more and an upper and
// work directory: state/upper and state/work on the host, or on a fresh
// tmpfs when there is no state directory.
func (b *builder) openLayers(o overlaySpec) (*overlayLayers, error) {
	if 1+len(o.more) > maxOverlayLowers {
		return nil, fmt.Errorf("%d lower layers: overlayfs stacks at most %d", 1+len(o.more), maxOverlayLowers)
	}
	l := &overlayLayers{userxattr: o.userxattr}
	err := l.openLower(b.host, o.lower, o.lowerBeneath)
	for _, d := range o.more {
		if err == nil {
			err = l.openLower(b.host, d, "")
		}
	}
	var scratch *os.File
	if err == nil {
		scratch, err = b.scratchDir(o)
	}
	if err != nil {
		l.close()
		return nil, err
	}
	l.scratch = scratch
	for _, d := range []struct {
		name string
		f    **os.File
	}{{"upper", &l.upper}, {"work", &l.work}} {
		if *d.f, err = mkdirOpenFile(scratch, d.name); err != nil {
			l.close()
			return nil, fmt.Errorf("%s/%s: %w", scratch.Name(), d.name, err)
		}
	}
	return l, nil
}

// openLower opens one lower directory and appends it to the layers.
func (l *overlayLayers) openLower(host *os.File, dir, beneath string) error {
	f, err := openSource(host, dir, beneath)
	if err != nil {
		return err
	}
	l.lowers = append(l.lowers, f)
	return isDir(f)
}

// scratchDir opens the directory that holds upper/ and work/: the state
// directory on the host, or a fresh tmpfs. The tmpfs sits on the base,
// which is detached with the old root: only the overlay keeps it alive.
func (b *builder) scratchDir(o overlaySpec) (*os.File, error) {
	if o.state != "" {
		f, err := openSource(b.host, o.state, o.stateBeneath)
		if err == nil {
			err = isDir(f)
		}
		return f, err
	}
	dir, err := os.MkdirTemp("/", "overlay-")
	if err != nil {
		return nil, fmt.Errorf("make overlay scratch dir: %w", err)
	}
	if err := unix.Mount("sandbox-overlay", dir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, o.tmpfsData); err != nil {
		return nil, fmt.Errorf("mount tmpfs for overlay upper: %w", err)
	}
	return openDir(dir)
}

// mkdirOpenFile makes the directory name in parent unless it exists and
// opens it without following a symlink.
func mkdirOpenFile(parent *os.File, name string) (*os.File, error) {
	fd, err := mkdirOpen(int(parent.Fd()), name)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), parent.Name()+"/"+name), nil
}

// isDir checks that an opened source is a directory.
func isDir(f *os.File) error {
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return err
	}
	if st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return fmt.Errorf("%s: not a directory", f.Name())
	}
	return nil
}

// openDir opens a directory as a path handle without following a final symlink.
func openDir(p string) (*os.File, error) {
	fd, err := unix.Open(p, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: p, Err: err}
	}
	return os.NewFile(uintptr(fd), p), nil
}

// mountOverlayAt mounts the overlay o on the directory at target, a path
// the caller resolved safely.
func (b *builder) mountOverlayAt(target string, o overlaySpec, flags uintptr) error {
	l, err := b.openLayers(o)
	if err != nil {
		return err
	}
	defer l.close()
	err = kernelOverlayOf(target, flags, l, o.lower)
	switch {
	case errors.Is(err, unix.EPERM) && o.fuse == FuseOverlayMissing:
		return fmt.Errorf("%s: %v", fuseMissing, err) // %v: a bare errno would lose the advice
	case errors.Is(err, unix.EPERM) && o.fuse != "":
		return fuseOverlay(o.fuse, target, flags, l)
	}
	return err
}

// kernelOverlayOf mounts the layers l on target with the kernel; lower is
// the topmost lower directory as the spec names it.
func kernelOverlayOf(target string, flags uintptr, l *overlayLayers, lower string) error {
	data, relative := l.data()
	if !relative {
		return kernelOverlay(target, flags, data, lower)
	}
	// overlayfs resolves a relative lower directory from the working
	// directory; the builder's is "/" (see enterBase), and it goes back.
	if err := unix.Chdir(hostProc + "/self/fd"); err != nil {
		return fmt.Errorf("chdir to the fd directory for %d lower layers: %w", len(l.lowers), err)
	}
	err := kernelOverlay(target, flags, data, lower)
	if cerr := unix.Chdir("/"); err == nil && cerr != nil {
		err = fmt.Errorf("chdir back to /: %w", cerr)
	}
	return err
}

// overlayMount performs a KindOverlay step: Source is the lower layer, the
// upper layer is a tmpfs sized by Data.
func (b *builder) overlayMount(m Mount) *StepError {
	step := describe(m)
	target, err := b.target(m.Target, true)
	if err != nil {
		return stepErr(step, err)
	}
	defer target.Close()
	o := overlaySpec{lower: m.Source, lowerBeneath: m.Beneath, tmpfsData: m.Data}
	if err := b.mountOverlayAt(fdPath(target), o, flagBits(m.Flags)); err != nil {
		return stepErr(step, err)
	}
	return nil
}
