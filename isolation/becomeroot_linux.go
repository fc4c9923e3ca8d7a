package isolation

import "syscall"

// becomeRoot makes every thread root of the child's user namespace: gid
// and uid 0 and no supplementary group, so that no group of the caller's
// comes along. It is the first step when newuidmap and newgidmap wrote
// the maps (Spec.BecomeRoot): the child started before them, as the
// caller's ids, whom the maps may not have made root. It keeps the
// capabilities that it started with in the namespace (the launcher makes
// them ambient) until dropPrivileges sets the spec's. Where the maps
// deny setgroups (a gid map of the caller's own gid alone), the groups
// stay, as when the launcher writes the maps itself.
func becomeRoot() *StepError {
	if err := syscall.Setgroups(nil); err != nil && err != syscall.EPERM {
		return stepErr("become root of the user namespace: drop supplementary groups", err)
	}
	if err := syscall.Setresgid(0, 0, 0); err != nil {
		return stepErr("become root of the user namespace: set gid 0", err)
	}
	if err := syscall.Setresuid(0, 0, 0); err != nil {
		return stepErr("become root of the user namespace: set uid 0", err)
	}
	return nil
}
