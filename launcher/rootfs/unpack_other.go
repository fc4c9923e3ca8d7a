//go:build !linux

package rootfs

import (
	"errors"
	"io"
)

// Unpack is supported only on Linux.
func Unpack(r io.Reader, dir string) (skipped int, err error) {
	return 0, errors.ErrUnsupported
}

// UnpackLayer is supported only on Linux.
func UnpackLayer(r io.Reader, dir string, o LayerOptions) (skipped int, err error) {
	return 0, errors.ErrUnsupported
}
