//go:build !linux

package rootfs

import (
	"errors"
	"io"

	"github.com/hclsandbox/sandbox/launcher/mapped"
)

func unpackMapped(m *mapped.Maps, r io.Reader, dir, devices string) (DeviceCount, error) {
	return DeviceCount{}, errors.New("unpacking in a user namespace needs Linux")
}

func removeMapped(m *mapped.Maps, dir string) { removeTree(dir) }

// RemoveTree removes the tree dir.
func RemoveTree(m *mapped.Maps, dir string) { removeTree(dir) }
