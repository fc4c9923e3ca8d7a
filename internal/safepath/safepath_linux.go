package safepath

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// maxSymlinks bounds the symlinks a walk follows, as the kernel does.
const maxSymlinks = 40

// Dir is a safe directory, held open.
type Dir struct {
	fd int // O_PATH
	// Path names the directory without symlinks; every directory on it is
	// safe, so using it by name reaches this directory.
	Path string
}

// Fd is the directory's O_PATH descriptor, for the *at system calls.
func (d *Dir) Fd() int { return d.fd }

// Close closes the directory.
func (d *Dir) Close() error { return unix.Close(d.fd) }

// Open opens the directory path after checking it and every directory on
// the way (see the package comment). A path that is not safe gives an
// *UnsafeError; a missing one an error that matches fs.ErrNotExist.
func Open(path string) (*Dir, error) {
	return walk(path, 0, -1)
}

// MkdirAll is Open that first makes the missing directories, with mode
// perm (less the umask). A directory made meanwhile by someone else is
// checked like any other.
func MkdirAll(path string, perm os.FileMode) (*Dir, error) {
	return walk(path, perm, -1)
}

// MkdirAllTrusting is MkdirAll that also trusts the user uid with the
// directories on the way, but not with the directory itself, which must
// be root's or the current user's: for a directory that a configuration
// names, below the directory of its author.
func MkdirAllTrusting(path string, perm os.FileMode, uid int) (*Dir, error) {
	return walk(path, perm, uid)
}

// Check reports whether path is safe, as Open does, without keeping it open.
func Check(path string) error {
	d, err := Open(path)
	if err == nil {
		d.Close()
	}
	return err
}

// walker holds the directories walked so far, / first, each open and checked.
type walker struct {
	path  string
	perm  os.FileMode // 0: make nothing
	also  int         // a user trusted on the way, or -1
	dirs  []dir
	links int
}

// dir is one directory of a walk.
type dir struct {
	fd   int
	name string
	st   unix.Stat_t
}

func walk(path string, perm os.FileMode, also int) (*Dir, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("check %s: %w", path, err)
	}
	w := &walker{path: path, perm: perm, also: also}
	defer w.close()
	if err := w.root(); err != nil {
		return nil, err
	}
	todo := strings.Split(abs, "/")
	for len(todo) > 0 {
		c := todo[0]
		todo = todo[1:]
		target, err := w.step(c)
		if err != nil {
			return nil, err
		}
		if target != "" {
			if strings.HasPrefix(target, "/") {
				w.pop(len(w.dirs) - 1)
			}
			todo = append(strings.Split(target, "/"), todo...)
		}
	}
	last := w.dirs[len(w.dirs)-1]
	switch {
	case last.st.Mode&0o022 != 0:
		return nil, w.unsafe(&last.st, w.here(), "may be written by others")
	case !trusted(last.st.Uid):
		return nil, w.unsafe(&last.st, w.here(), "belongs to another user")
	}
	d := &Dir{fd: last.fd, Path: w.here()}
	w.dirs = w.dirs[:len(w.dirs)-1]
	return d, nil
}

// root opens and checks "/".
func (w *walker) root() error {
	fd, err := unix.Open("/", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("check %s: open /: %w", w.path, err)
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return fmt.Errorf("check %s: stat /: %w", w.path, err)
	}
	return w.push(fd, "", &st)
}

// step walks into the component c. For a symlink it returns the target,
// which the caller walks instead.
func (w *walker) step(c string) (symlink string, err error) {
	switch c {
	case "", ".":
		return "", nil
	case "..":
		if len(w.dirs) > 1 {
			w.pop(1)
		}
		return "", nil
	}
	fd, err := w.open(c)
	if err != nil {
		return "", err
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return "", fmt.Errorf("check %s: stat %s: %w", w.path, w.child(c), err)
	}
	if st.Mode&unix.S_IFMT == unix.S_IFLNK {
		defer unix.Close(fd)
		return w.follow(fd, c, &st)
	}
	return "", w.push(fd, c, &st)
}

// open opens the component c of the current directory without following
// a symlink, making it first when the walk makes missing directories.
func (w *walker) open(c string) (int, error) {
	const flags = unix.O_PATH | unix.O_NOFOLLOW | unix.O_CLOEXEC
	fd, err := unix.Openat(w.top(), c, flags, 0)
	if errors.Is(err, unix.ENOENT) && w.perm != 0 {
		if err := unix.Mkdirat(w.top(), c, uint32(w.perm.Perm())); err != nil && !errors.Is(err, unix.EEXIST) {
			return -1, fmt.Errorf("make %s: %w", w.child(c), err)
		}
		fd, err = unix.Openat(w.top(), c, flags, 0)
	}
	if err != nil {
		return -1, fmt.Errorf("check %s: open %s: %w", w.path, w.child(c), err)
	}
	return fd, nil
}

// follow returns the target of the symlink fd, named c in the current
// directory, once its owner passes.
func (w *walker) follow(fd int, c string, st *unix.Stat_t) (string, error) {
	if !w.trusted(st.Uid) {
		return "", w.unsafe(st, w.child(c), "is a symlink of another user's")
	}
	if w.links++; w.links > maxSymlinks {
		return "", fmt.Errorf("check %s: %w", w.path, unix.ELOOP)
	}
	buf := make([]byte, unix.PathMax)
	n, err := unix.Readlinkat(fd, "", buf)
	if err != nil {
		return "", fmt.Errorf("check %s: read link %s: %w", w.path, w.child(c), err)
	}
	return string(buf[:n]), nil
}

// push checks the directory fd, named c in the current one, whose status
// is st, and enters it. fd is closed when it does not pass.
func (w *walker) push(fd int, c string, st *unix.Stat_t) error {
	var err error
	switch {
	case st.Mode&unix.S_IFMT != unix.S_IFDIR:
		err = w.unsafe(st, w.child(c), "is not a directory")
	case !w.trusted(st.Uid):
		err = w.unsafe(st, w.child(c), "belongs to another user")
	case st.Mode&0o022 != 0 && st.Mode&unix.S_ISVTX == 0:
		err = w.unsafe(st, w.child(c), "may be written by others")
	}
	if err != nil {
		unix.Close(fd)
		return err
	}
	w.dirs = append(w.dirs, dir{fd: fd, name: c, st: *st})
	return nil
}

// pop leaves n directories.
func (w *walker) pop(n int) {
	for ; n > 0; n-- {
		unix.Close(w.top())
		w.dirs = w.dirs[:len(w.dirs)-1]
	}
}

func (w *walker) close() {
	for _, d := range w.dirs {
		unix.Close(d.fd)
	}
}

func (w *walker) top() int { return w.dirs[len(w.dirs)-1].fd }

// here is the path of the current directory.
func (w *walker) here() string {
	if len(w.dirs) <= 1 {
		return "/"
	}
	names := make([]string, len(w.dirs))
	for i, d := range w.dirs {
		names[i] = d.name
	}
	return strings.Join(names, "/")
}

// child is the path of c in the current directory.
func (w *walker) child(c string) string {
	return filepath.Join(w.here(), c)
}

func (w *walker) unsafe(st *unix.Stat_t, name, why string) *UnsafeError {
	return &UnsafeError{Path: w.path, Dir: name, Why: why, UID: int(st.Uid), Mode: st.Mode & 0o7777}
}

// trusted reports whether the walk trusts uid on the way.
func (w *walker) trusted(uid uint32) bool {
	return trusted(uid) || int(uid) == w.also
}

// trusted reports whether uid is root or the current user.
func trusted(uid uint32) bool {
	return uid == 0 || int(uid) == os.Geteuid()
}
