package isolation

import (
	"strconv"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Capabilities, the bounding set, the ambient set and no_new_privs belong
// to a thread, not to a process. An init stays alive as PID 1, and the Go
// runtime has started other threads in it before main ran (sysmon, the
// template thread of LockOSThread, …): each would keep the launcher's
// full privileges for as long as the sandbox runs, a host escape away with
// a capability such as SYS_PTRACE. A Go program cannot be made
// single-threaded, so for an init every change below is made on every
// thread of the process at once with syscall.AllThreadsSyscall (the user
// switch through syscall.Setgroups/Setresgid/Setresuid, which use it too),
// and the seccomp filter is loaded with SECCOMP_FILTER_FLAG_TSYNC. Every
// thread the runtime starts later copies the thread that starts it, so it
// inherits the same state.
//
// A child that executes its target at once needs the changes on the
// exec'ing thread only, the one ChildMain locked: execve ends every other
// thread, and until then nothing runs in the sandbox that could reach
// them (the child is its only process, and no longer dumpable). It makes
// them with plain syscalls: about thirty stops of the world, each
// signalling every thread, were a tenth of its start.
//
// AllThreadsSyscall refuses to run in a program linked with cgo, where
// threads the runtime does not know of could exist; the child is built
// without it (make build, CGO_ENABLED=0), and a child that cannot drop
// every thread's privileges fails rather than run with some kept.

// allThreads runs a syscall on every thread of the process.
func allThreads(trap, a1, a2, a3 uintptr) error {
	_, _, errno := syscall.AllThreadsSyscall(trap, a1, a2, a3)
	switch errno {
	case 0:
		return nil
	case syscall.ENOTSUP:
		return errCgoChild
	}
	return errno
}

// thisThread runs a syscall on the calling thread only.
func thisThread(trap, a1, a2, a3 uintptr) error {
	if _, _, errno := unix.RawSyscall(trap, a1, a2, a3); errno != 0 {
		return errno
	}
	return nil
}

// threadSyscall is how the privilege changes reach the threads that need
// them: every thread of an init, the exec'ing thread of any other child.
func threadSyscall(init bool) func(trap, a1, a2, a3 uintptr) error {
	if init {
		return allThreads
	}
	return thisThread
}

// errCgoChild says the child cannot reach every thread.
var errCgoChild = &StepError{Step: "drop privileges on every thread",
	Msg: "the sandbox child was built with cgo, which cannot change every thread's privileges; build it with CGO_ENABLED=0 (make build does)"}

// limitBounding leaves the bounding set of every thread that needs it
// (threadSyscall) with exactly the spec's capabilities.
func limitBounding(s *Spec) *StepError {
	mask, serr := capabilityMask(s.Capabilities)
	if serr != nil {
		return serr
	}
	return dropBounding(mask, threadSyscall(s.Init))
}

// boundingFirst says whether the bounding set is limited before setup
// rather than with the other privileges after it. The bounding set only
// limits what an execve may gain, so where setup executes nothing it is
// the same sandbox either way, and first is cheaper: an init makes each
// of its twenty-odd drops on every thread, one stop of the world and a
// signal a thread each, and the fewest threads exist this early (the
// runtime starts more as setup's system calls block). Setup executes
// fuse-overlayfs where the kernel refuses an overlay in a user namespace
// (Root.FuseOverlay): that daemon must keep the child's full set, so
// that the sandbox's processes, holding fewer capabilities than it, may
// not read its root and descriptors through /proc (ptrace's rules).
func boundingFirst(s *Spec) bool {
	return s.Root.FuseOverlay == "" || s.Root.FuseOverlay == FuseOverlayMissing
}

// dropPrivileges switches to the spec's user and leaves every thread that
// needs it (threadSyscall) with exactly the spec's capabilities in
// permitted and effective — a non-root user keeps none — with nothing
// inheritable or ambient, and sets no_new_privs when asked; the bounding
// set was limited first (limitBounding). It runs before rlimits and
// seccomp.
func dropPrivileges(s *Spec) *StepError {
	mask, serr := capabilityMask(s.Capabilities)
	if serr != nil {
		return serr
	}
	sys := threadSyscall(s.Init)
	if err := sys(unix.SYS_PRCTL, unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0); err != nil && err != unix.EINVAL {
		return stepErr("clear ambient capabilities", err)
	}
	uid := 0
	if s.User != "" {
		id, err := switchUser(s.User)
		if err != nil {
			return err
		}
		uid = id.uid
	}
	// Changing to a non-root uid has already emptied permitted and
	// effective, but not inheritable, which the child may hold (a rootless
	// child starts with every capability of its namespace ambient, so
	// inheritable too): a file with inheritable capabilities would get
	// them back at execve.
	if uid != 0 {
		mask = 0
	}
	if err := capset(mask, sys); err != nil {
		return stepErr("set capabilities", err)
	}
	if s.NoNewPrivs {
		if err := sys(unix.SYS_PRCTL, unix.PR_SET_NO_NEW_PRIVS, 1, 0); err != nil {
			return stepErr("set no_new_privs", err)
		}
	}
	return nil
}

// capabilityMask turns capability names into a bit mask.
func capabilityMask(names []string) (uint64, *StepError) {
	var mask uint64
	for _, name := range names {
		n, ok := capNames[name]
		if !ok {
			return 0, &StepError{Step: "drop capabilities", Msg: "unknown capability " + name}
		}
		mask |= 1 << uint(n)
	}
	return mask, nil
}

// dropBounding drops every capability outside mask from the bounding set
// of the threads sys reaches, up to the first number the kernel does not
// know (EINVAL): no need to read /proc/sys/kernel/cap_last_cap, which a
// sandbox may lack.
func dropBounding(mask uint64, sys func(trap, a1, a2, a3 uintptr) error) *StepError {
	for c := 0; c < 64; c++ {
		if mask&(1<<uint(c)) != 0 {
			continue
		}
		err := sys(unix.SYS_PRCTL, unix.PR_CAPBSET_DROP, uintptr(c), 0)
		if err == unix.EINVAL {
			break
		}
		if err != nil {
			return stepErr("drop capability "+strconv.Itoa(c)+" from the bounding set", err)
		}
	}
	return nil
}

// capset sets the permitted and effective sets of the threads sys reaches
// to mask and their inheritable set to nothing.
func capset(mask uint64, sys func(trap, a1, a2, a3 uintptr) error) error {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3} // pid 0: the calling thread
	lo, hi := uint32(mask), uint32(mask>>32)
	data := [2]unix.CapUserData{
		{Effective: lo, Permitted: lo},
		{Effective: hi, Permitted: hi},
	}
	return sys(unix.SYS_CAPSET, uintptr(unsafe.Pointer(&hdr)), uintptr(unsafe.Pointer(&data[0])), 0)
}
