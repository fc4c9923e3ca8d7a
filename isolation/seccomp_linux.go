package isolation

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// loadSeccomp installs the filter on the calling thread, the one that
// executes the target. It needs no_new_privs or CAP_SYS_ADMIN.
func loadSeccomp(s *Seccomp) *StepError {
	if s == nil || len(s.Program) == 0 {
		return nil
	}
	filters := make([]unix.SockFilter, len(s.Program))
	for i, f := range s.Program {
		filters[i] = unix.SockFilter{Code: f.Code, Jt: f.Jt, Jf: f.Jf, K: f.K}
	}
	prog := unix.SockFprog{Len: uint16(len(filters)), Filter: &filters[0]}
	_, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, 0, uintptr(unsafe.Pointer(&prog)))
	if errno != 0 {
		e := stepErr("load seccomp filter ("+s.Profile+")", errno)
		if errno == unix.EACCES {
			e.Msg = "needs no_new_privileges = true or CAP_SYS_ADMIN"
		}
		return e
	}
	return nil
}
