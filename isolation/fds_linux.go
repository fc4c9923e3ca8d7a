package isolation

import "golang.org/x/sys/unix"

// CloseInheritedOnExec marks every fd above stderr close-on-exec, so that
// nothing the launcher inherited by accident can reach a process it starts
// (CVE-2024-21626). The launcher calls it first thing.
func CloseInheritedOnExec() {
	unix.CloseRange(3, ^uint(0), unix.CLOSE_RANGE_CLOEXEC)
}
