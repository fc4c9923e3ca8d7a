package isolation

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// enterTimeNamespace makes a new time namespace for the children of the
// calling thread and sets its clock offsets, which the kernel takes only
// before any process is in it. The child itself stays in the host's time
// namespace; the target enters the new one when this thread executes it
// (execve switches to the thread's time namespace for children) or forks
// it as the init. This is what runc and crun do: unshare, write
// /proc/self/timens_offsets, then start the process. It must run on the
// thread that executes or forks the target, which ChildMain locks; the Go
// runtime starts its other threads from a template thread, never from a
// locked one, so they stay in the host's namespace.
func enterTimeNamespace(o *TimeOffsets) *StepError {
	if err := unix.Unshare(unix.CLONE_NEWTIME); err != nil {
		if errors.Is(err, unix.EINVAL) {
			return &StepError{Step: "unshare time namespace", Msg: "the kernel has no time namespaces (they need Linux 5.6)"}
		}
		return stepErr("unshare time namespace", err)
	}
	f, err := os.OpenFile("/proc/self/timens_offsets", os.O_WRONLY, 0)
	if err != nil {
		return stepErr("open /proc/self/timens_offsets", err)
	}
	defer f.Close()
	if _, err := f.WriteString(TimensOffsets(o)); err != nil {
		if errors.Is(err, unix.EINVAL) {
			return &StepError{Step: "set clock offsets", Msg: "invalid argument: a negative offset may not move a clock below zero, and the boot clock reads the host's uptime"}
		}
		return stepErr("set clock offsets", err)
	}
	return nil
}
