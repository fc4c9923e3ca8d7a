package testenv

import "syscall"

// withCgo reports whether this binary was linked with cgo, in which the
// runtime refuses syscall.AllThreadsSyscall.
func withCgo() bool {
	_, _, errno := syscall.AllThreadsSyscall(syscall.SYS_GETPID, 0, 0, 0)
	return errno == syscall.ENOTSUP
}
