package oci

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// Dir is the directory an OCI bundle is written to, held open. Every
// file goes in relative to it, never through a symlink and never over
// something already there, so that what the export writes, often as root,
// lands in the directory that was checked and nowhere else.
type Dir struct {
	fd   int
	path string
}

// OpenDir makes out, or takes it when it exists, and checks it: a
// directory (not a symlink) of this user's that holds nothing. Another
// user's directory is refused, since they could change the bundle while
// root writes it, and so is one that holds anything.
func OpenDir(out string) (*Dir, error) {
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return nil, err
	}
	if err := os.Mkdir(out, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, err
	}
	fd, err := unix.Open(out, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("bundle directory %s: %w (it must be a directory, not a symlink)", out, err)
	}
	d := &Dir{fd: fd, path: out}
	if err := d.check(); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// check refuses a bundle directory of another user's, or one that is not empty.
func (d *Dir) check() error {
	var st unix.Stat_t
	if err := unix.Fstat(d.fd, &st); err != nil {
		return fmt.Errorf("bundle directory %s: %w", d.path, err)
	}
	if int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("bundle directory %s belongs to uid %d, not to this user; give a directory of your own", d.path, st.Uid)
	}
	dup, err := unix.Dup(d.fd)
	if err != nil {
		return err
	}
	f := os.NewFile(uintptr(dup), d.path)
	defer f.Close()
	if names, _ := f.Readdirnames(1); len(names) > 0 {
		return fmt.Errorf("bundle directory %s is not empty", d.path)
	}
	return nil
}

// Path is the directory's path.
func (d *Dir) Path() string { return d.path }

// Close closes the directory.
func (d *Dir) Close() error { return unix.Close(d.fd) }

// Mkdir makes the directory name in d and returns it open.
func (d *Dir) Mkdir(name string, mode uint32) (*Dir, error) {
	if err := unix.Mkdirat(d.fd, name, mode); err != nil {
		return nil, fmt.Errorf("create %s: %w", filepath.Join(d.path, name), err)
	}
	fd, err := unix.Openat(d.fd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", filepath.Join(d.path, name), err)
	}
	return &Dir{fd: fd, path: filepath.Join(d.path, name)}, nil
}

// create makes the new file name in d for writing.
func (d *Dir) create(name string, mode uint32) (*os.File, error) {
	fd, err := unix.Openat(d.fd, name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, mode)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", filepath.Join(d.path, name), err)
	}
	return os.NewFile(uintptr(fd), filepath.Join(d.path, name)), nil
}

// writeFile writes the new file name in d.
func (d *Dir) writeFile(name string, b []byte, mode uint32) error {
	f, err := d.create(name, mode)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", f.Name(), err)
	}
	return nil
}
