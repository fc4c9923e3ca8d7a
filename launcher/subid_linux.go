package launcher

import (
	"fmt"
	"syscall"

	"github.com/hclsandbox/sandbox/launcher/mapped"
)

// An unprivileged user may write only its own id into a user namespace's
// maps; its subordinate ranges only the setuid newuidmap and newgidmap
// write, from outside, once the child exists. Go's os/exec cannot pause a
// child between clone and execve for them, and a child whose uid is not
// mapped loses its capabilities at execve. So the child is cloned with
// every capability of its new namespace made ambient, which execve keeps
// whatever its uid; it executes, then waits for its spec, which the
// launcher sends once the helpers have written the maps; then it becomes
// root of the namespace (isolation.Spec.BecomeRoot) and goes on as ever.
// Nothing else changes: it is still cloned into its cgroup, into its pid
// namespace as PID 1, from the same program (the sealed copy), and it
// still sets its own capabilities, clearing the ambient and inheritable
// sets, before its target runs.

// ambientAll makes the child keep every capability of its new user
// namespace across its execve, instead of having the launcher map ids.
func ambientAll(attr *syscall.SysProcAttr) {
	attr.AmbientCaps = mapped.AllCaps()
}

// writeSubIDMaps has newuidmap and newgidmap write p's maps for the
// child pid (mapped.WriteMaps).
func writeSubIDMaps(pid int, p *Plan) error {
	if err := mapped.WriteMaps(pid, p.UIDMap, p.GIDMap); err != nil {
		return fmt.Errorf("map ids of %s: %w", p.Name, err)
	}
	return nil
}
