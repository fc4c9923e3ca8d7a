package cgroups

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// EvacuatedLeaf is the cgroup, under a delegated subtree, into which the
// launcher moves the subtree's own processes (itself among them) before it
// enables controllers there: cgroup v2 lets a cgroup other than the root
// have processes or enabled controllers, not both. Podman uses the same
// name for the same purpose.
const EvacuatedLeaf = "init"

// ProbeDelegated finds the cgroups a launcher without root may use, under
// root (normally /sys/fs/cgroup): on cgroup v2, the subtree delegated to
// the user running it, which is its own cgroup when that and its
// cgroup.procs and cgroup.subtree_control are writable by it (as systemd's
// Delegate=yes or an administrator's chown leave them). Otherwise
// Version is 0 and Unusable says why.
func ProbeDelegated(root string) CgroupHost {
	self, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return CgroupHost{Unusable: fmt.Sprintf("cannot read the launcher's own cgroup: %v", err)}
	}
	return probeDelegated(root, string(self), writable)
}

// probeDelegated is ProbeDelegated given /proc/self/cgroup's content and
// a test of write access.
func probeDelegated(root, self string, canWrite func(string) bool) CgroupHost {
	h := ProbeCgroups(root)
	switch {
	case h.Version == 1:
		return CgroupHost{Unusable: "cgroup v1 cannot be delegated to a user without root"}
	case h.Version == 0:
		return CgroupHost{Unusable: "this host has no usable cgroups"}
	}
	own, ok := unifiedPath(self)
	if !ok {
		return CgroupHost{Unusable: "the launcher's cgroup v2 path is not in /proc/self/cgroup"}
	}
	dir := filepath.Join(h.Root, own)
	if filepath.Base(dir) == EvacuatedLeaf && ownsSubtree(filepath.Dir(dir), canWrite) {
		dir = filepath.Dir(dir) // moved there by an earlier launcher
	}
	if !ownsSubtree(dir, canWrite) {
		return CgroupHost{Unusable: fmt.Sprintf("no cgroup v2 subtree is delegated to uid %d: its cgroup %s is not writable", os.Geteuid(), dir)}
	}
	ctrls, _ := v2Available(dir)
	return CgroupHost{Version: 2, Root: dir, Controllers: ctrls, Delegated: true}
}

// unifiedPath is the cgroup v2 path, "0::/path", of a /proc/*/cgroup file.
func unifiedPath(procCgroup string) (string, bool) {
	for _, line := range strings.Split(procCgroup, "\n") {
		if p, ok := strings.CutPrefix(line, "0::"); ok && strings.HasPrefix(p, "/") {
			return p, true
		}
	}
	return "", false
}

// ownsSubtree reports whether the caller may make cgroups in dir, move
// processes there and enable controllers for its children.
func ownsSubtree(dir string, canWrite func(string) bool) bool {
	return canWrite(dir) && canWrite(filepath.Join(dir, "cgroup.procs")) &&
		canWrite(filepath.Join(dir, "cgroup.subtree_control"))
}

// writable reports whether the caller may write path.
func writable(path string) bool { return unix.Access(path, unix.W_OK) == nil }
