package launcher

import (
	"os/exec"
	"slices"

	"github.com/hclsandbox/sandbox/isolation"
)

// fuseOverlayPath is the fuse-overlayfs the child of p may fall back on
// where the kernel refuses its overlay root in a user namespace (before
// Linux 5.11), or "" when it may not. The fallback is offered to an
// overlay root of a sandbox started without root, which has a user
// namespace and no device allowlist (root's keeps /dev/fuse closed), with
// a pid namespace, whose end ends the fuse-overlayfs daemon, and without
// CAP_SYS_PTRACE, which could reach into that daemon, more privileged
// than the sandbox's processes. It is isolation.FuseOverlayMissing where
// the fallback applies but fuse-overlayfs is not on PATH.
func fuseOverlayPath(p *Plan, spec *isolation.Spec) string {
	if !spec.Root.Overlay || !p.Rootless || p.UIDMap == nil || !slices.Contains(p.Namespaces, "pid") ||
		slices.Contains(spec.Capabilities, "CAP_SYS_PTRACE") {
		return ""
	}
	path, err := exec.LookPath("fuse-overlayfs")
	if err != nil {
		return isolation.FuseOverlayMissing
	}
	return path
}
