//go:build !linux

package rootfs

import (
	"errors"
	"io"
)

// Unpack is supported only on Linux.
func Unpack(r io.Reader, dir, devices string) (DeviceCount, error) {
	return DeviceCount{}, errors.ErrUnsupported
}

// UnpackLayer is supported only on Linux.
func UnpackLayer(r io.Reader, dir string, o LayerOptions) (DeviceCount, error) {
	return DeviceCount{}, errors.ErrUnsupported
}
