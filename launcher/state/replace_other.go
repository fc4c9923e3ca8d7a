//go:build !linux

package state

import "os"

// replaceFile renames tmp over dst; tmp is gone afterwards.
func replaceFile(tmp, dst string) error { return os.Rename(tmp, dst) }

// Install renames tmp over dst.
func Install(tmp, dst string) error { return os.Rename(tmp, dst) }
