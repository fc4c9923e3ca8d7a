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
