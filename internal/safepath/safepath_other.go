//go:build !linux

package safepath

import (
	"errors"
	"os"
)

// Dir is a safe directory; sandboxes, and so the checks, are Linux only.
type Dir struct {
	// Path names the directory.
	Path string
}

// Fd is -1 off Linux.
func (d *Dir) Fd() int { return -1 }

// Close does nothing off Linux.
func (d *Dir) Close() error { return nil }

// Open fails off Linux.
func Open(path string) (*Dir, error) { return nil, errors.ErrUnsupported }

// MkdirAll fails off Linux.
func MkdirAll(path string, perm os.FileMode) (*Dir, error) { return nil, errors.ErrUnsupported }

// MkdirAllTrusting fails off Linux.
func MkdirAllTrusting(path string, perm os.FileMode, uid int) (*Dir, error) {
	return nil, errors.ErrUnsupported
}

// Check fails off Linux.
func Check(path string) error { return errors.ErrUnsupported }
