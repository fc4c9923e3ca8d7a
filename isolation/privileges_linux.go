package isolation

import (
	"strconv"

	"golang.org/x/sys/unix"
)

// dropPrivileges switches to the spec's user and leaves the calling thread
// with exactly the spec's capabilities in its bounding set — and, for root,
// in permitted and effective; a non-root user keeps none — with nothing
// inheritable or ambient, and sets no_new_privs when asked. It runs on the
// locked thread that executes the target, before rlimits and seccomp.
func dropPrivileges(s *Spec) *StepError {
	keep, noNewPrivs := s.Capabilities, s.NoNewPrivs
	var mask uint64
	for _, name := range keep {
		n, ok := capNames[name]
		if !ok {
			return &StepError{Step: "drop capabilities", Msg: "unknown capability " + name}
		}
		mask |= 1 << uint(n)
	}
	// Up to the first number the kernel does not know (EINVAL): no need
	// to read /proc/sys/kernel/cap_last_cap, which a sandbox may lack.
	for c := 0; c < 64; c++ {
		if mask&(1<<uint(c)) != 0 {
			continue
		}
		err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0)
		if err == unix.EINVAL {
			break
		}
		if err != nil {
			return stepErr("drop capability "+strconv.Itoa(c)+" from the bounding set", err)
		}
	}
	if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0); err != nil && err != unix.EINVAL {
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
	// Changing to a non-root uid has already emptied permitted and effective.
	if uid == 0 {
		if err := capset(mask); err != nil {
			return stepErr("set capabilities", err)
		}
	}
	if noNewPrivs {
		if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
			return stepErr("set no_new_privs", err)
		}
	}
	return nil
}

// capset sets permitted and effective to mask and inheritable to nothing.
func capset(mask uint64) error {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	lo, hi := uint32(mask), uint32(mask>>32)
	data := [2]unix.CapUserData{
		{Effective: lo, Permitted: lo},
		{Effective: hi, Permitted: hi},
	}
	return unix.Capset(&hdr, &data[0])
}
