package isolation

import (
	"strconv"
	"unsafe"

	"golang.org/x/sys/unix"
)

// loadSeccomp installs the filter on every thread of the process
// (SECCOMP_FILTER_FLAG_TSYNC; see privileges_linux.go for why every
// thread). It needs no_new_privs or CAP_SYS_ADMIN; with no_new_privs the
// kernel sets it on the other threads too.
func loadSeccomp(s *Seccomp) *StepError {
	if s == nil || len(s.Program) == 0 {
		return nil
	}
	filters := make([]unix.SockFilter, len(s.Program))
	for i, f := range s.Program {
		filters[i] = unix.SockFilter{Code: f.Code, Jt: f.Jt, Jf: f.Jf, K: f.K}
	}
	prog := unix.SockFprog{Len: uint16(len(filters)), Filter: &filters[0]}
	tid, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, unix.SECCOMP_FILTER_FLAG_TSYNC, uintptr(unsafe.Pointer(&prog)))
	step := "load seccomp filter (" + s.Profile + ")"
	switch {
	case errno == unix.EACCES:
		return &StepError{Step: step, Errno: errno, Msg: "needs no_new_privileges = true or CAP_SYS_ADMIN"}
	case errno != 0:
		return stepErr(step, errno)
	case tid != 0:
		// TSYNC names a thread it could not synchronise instead of failing.
		return &StepError{Step: step, Msg: "thread " + strconv.Itoa(int(tid)) + " has a filter of its own and cannot take this one"}
	}
	return nil
}
