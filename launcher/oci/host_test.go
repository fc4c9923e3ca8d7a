package oci

import (
	"io/fs"
	"time"

	"github.com/hclsandbox/sandbox/launcher"
)

// testHost is root on a host whose /bin, /lib and /sbin are merged-/usr
// symlinks, as launcher's plan tests have it.
var testHost = &launcher.Host{EUID: 0, Term: "xterm", FS: fakeFS{"/usr": "", "/bin": "usr/bin", "/lib": "usr/lib", "/sbin": "usr/sbin"}}

// fakeFS is a host filesystem of symlinks (path -> target) and
// directories (path -> "").
type fakeFS map[string]string

func (f fakeFS) Lstat(name string) (fs.FileInfo, error) {
	target, ok := f[name]
	if !ok {
		return nil, fs.ErrNotExist
	}
	return fakeInfo{name: name, link: target != ""}, nil
}

func (f fakeFS) Readlink(name string) (string, error) {
	if t := f[name]; t != "" {
		return t, nil
	}
	return "", fs.ErrInvalid
}

type fakeInfo struct {
	name string
	link bool
}

func (i fakeInfo) Name() string       { return i.name }
func (i fakeInfo) Size() int64        { return 0 }
func (i fakeInfo) ModTime() time.Time { return time.Time{} }
func (i fakeInfo) IsDir() bool        { return !i.link }
func (i fakeInfo) Sys() any           { return nil }
func (i fakeInfo) Mode() fs.FileMode {
	if i.link {
		return fs.ModeSymlink | 0o777
	}
	return fs.ModeDir | 0o755
}
