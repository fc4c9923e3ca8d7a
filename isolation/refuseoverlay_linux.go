//go:build sandbox_refuse_overlay

package isolation

import "golang.org/x/sys/unix"

// A binary built with the tag sandbox_refuse_overlay answers every kernel
// overlay mount as a kernel before 5.11 answers one in a user namespace:
// EPERM. Only tests build it, to run the fuse-overlayfs fallback as an
// unprivileged user on a kernel that allows the mount.
func init() {
	OverlayMountFault = func(string) error { return unix.EPERM }
}
