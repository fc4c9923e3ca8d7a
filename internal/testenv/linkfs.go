package testenv

import (
	"io/fs"
	"path/filepath"
	"time"
)

// LinkFS is a host filesystem made of directories and symlinks, for the
// questions planning asks of a host (launcher.HostFS): each path maps to
// its symlink's target, or to "" for a directory. Plans made on it do not
// depend on the machine that runs the test.
type LinkFS map[string]string

// MergedUsr is a host whose /bin, /lib and /sbin are merged-/usr links.
func MergedUsr() LinkFS {
	return LinkFS{"/usr": "", "/bin": "usr/bin", "/lib": "usr/lib", "/sbin": "usr/sbin"}
}

// Lstat describes name without following a link; a path not in f does
// not exist.
func (f LinkFS) Lstat(name string) (fs.FileInfo, error) {
	target, ok := f[name]
	if !ok {
		return nil, fs.ErrNotExist
	}
	return linkInfo{name: name, link: target != ""}, nil
}

// Readlink is the target of the link name; a directory is no link.
func (f LinkFS) Readlink(name string) (string, error) {
	if t := f[name]; t != "" {
		return t, nil
	}
	return "", fs.ErrInvalid
}

type linkInfo struct {
	name string
	link bool
}

func (i linkInfo) Name() string       { return filepath.Base(i.name) }
func (i linkInfo) Size() int64        { return 0 }
func (i linkInfo) ModTime() time.Time { return time.Time{} }
func (i linkInfo) IsDir() bool        { return !i.link }
func (i linkInfo) Sys() any           { return nil }
func (i linkInfo) Mode() fs.FileMode {
	if i.link {
		return fs.ModeSymlink | 0o777
	}
	return fs.ModeDir | 0o755
}
