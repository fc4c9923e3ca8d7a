//go:build linux

package main

import (
	"runtime"
	"strconv"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// deniedSyscalls are called with harmless arguments; a sandbox's seccomp
// filter must refuse each with EPERM before the kernel looks at them.
var deniedSyscalls = map[string]uintptr{
	"mount": unix.SYS_MOUNT, "umount2": unix.SYS_UMOUNT2, "unshare": unix.SYS_UNSHARE,
	"setns": unix.SYS_SETNS, "keyctl": unix.SYS_KEYCTL, "bpf": unix.SYS_BPF,
	"perf_event_open": unix.SYS_PERF_EVENT_OPEN, "kexec_load": unix.SYS_KEXEC_LOAD,
	"init_module": unix.SYS_INIT_MODULE, "open_by_handle_at": unix.SYS_OPEN_BY_HANDLE_AT,
}

// SyscallReport says how each denied syscall failed and whether threads and
// fork still work.
type SyscallReport struct {
	Errors  map[string]string `json:"errors"`
	Threads string            `json:"threads"`
	Fork    string            `json:"fork"`
}

func syscallReport() *SyscallReport {
	r := &SyscallReport{Errors: map[string]string{}}
	for name, nr := range deniedSyscalls {
		_, _, errno := syscall.RawSyscall6(nr, 0, 0, 0, 0, 0, 0)
		r.Errors[name] = errnoName(errno)
	}
	r.Threads = threads()
	r.Fork = forkExec()
	return r
}

func errnoName(e syscall.Errno) string {
	if e == 0 {
		return "ok"
	}
	return unix.ErrnoName(e)
}

// threads starts eight OS threads and reports "ok" when all ran.
func threads() string {
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			runtime.LockOSThread() // the goroutine exits locked: its thread ends with it
		})
	}
	wg.Wait()
	return "ok"
}

// forkExec runs the probe itself with "exit 0" and reports "ok" or the error.
func forkExec() string {
	pid, err := syscall.ForkExec("/proc/self/exe", []string{"probe", "exit", "0"}, &syscall.ProcAttr{Files: []uintptr{0, 1, 2}})
	if err != nil {
		return err.Error()
	}
	var ws syscall.WaitStatus
	if _, err := syscall.Wait4(pid, &ws, 0, nil); err != nil {
		return err.Error()
	}
	if ws.ExitStatus() != 0 {
		return "child exited " + strconv.Itoa(ws.ExitStatus())
	}
	return "ok"
}
