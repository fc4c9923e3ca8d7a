//go:build !linux

package main

import "errors"

// copyStats counts what a copy into a bundle left out or changed.
type copyStats struct{ Devices, Setuid int }

// copyTree fails off Linux, where no tarball is unpacked to copy.
func copyTree(src string, dst *bundleDir, st *copyStats) error { return errors.ErrUnsupported }
