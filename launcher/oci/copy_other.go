//go:build !linux

package oci

import "errors"

// CopyStats counts what a copy into a bundle left out or changed.
type CopyStats struct{ Devices, Setuid int }

// CopyTree fails off Linux, where no tarball is unpacked to copy.
func CopyTree(src string, dst *Dir, st *CopyStats) error { return errors.ErrUnsupported }
