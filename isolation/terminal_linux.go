package isolation

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// A sandbox's terminal is a pseudo-terminal of its own devpts, the
// newinstance one mounted at /dev/pts, never one of the host's: a slave
// of the host's devpts inside would be a host file (reopened through
// /proc/self/fd it reaches the host's devpts), and `tty` inside could not
// name it. So the pty is made inside, after pivot_root, and only its
// master leaves: the child sends it to the launcher over a unix socket
// (TerminalFD) with SCM_RIGHTS, and the init sends an exec'd command's
// on the exec connection. The launcher relays the master to the caller's
// terminal; the slave becomes the controlling terminal of a new session
// inside, so TIOCSTI or any other ioctl there reaches only the sandbox's
// own terminal.

// TerminalFD is the fd of the child's end of a unix socket pair on which
// it sends the master of the sandbox's terminal when Spec.Terminal is set.
const TerminalFD = 6

// attachTerminal gives this process, a session leader, the sandbox's
// terminal as controlling terminal and fds 0-2, and sends its master to
// the launcher. It runs after the privileges are dropped, so that the
// slave belongs to the target's user, and before the rlimits, so that a
// low nofile cannot break it.
func attachTerminal(s *Spec) *StepError {
	if s.Terminal == nil {
		return nil
	}
	master, slave, err := openPTY(s.Terminal)
	if err != nil {
		return &StepError{Step: "open the sandbox's terminal", Msg: err.Error()}
	}
	defer unix.Close(master)
	if err := unix.IoctlSetInt(slave, unix.TIOCSCTTY, 0); err != nil {
		unix.Close(slave)
		return stepErr("make /dev/pts the controlling terminal", err)
	}
	for fd := range 3 {
		if err := unix.Dup3(slave, fd, 0); err != nil {
			unix.Close(slave)
			return stepErr(fmt.Sprintf("make the terminal fd %d", fd), err)
		}
	}
	unix.Close(slave)
	if err := unix.Sendmsg(TerminalFD, []byte{0}, unix.UnixRights(master), nil, 0); err != nil {
		return stepErr("send the terminal to the launcher", err)
	}
	unix.Close(TerminalFD)
	return nil
}

// openPTY opens a new pseudo-terminal of the devpts at /dev/pts, of size
// ws, and returns its master and slave, both close-on-exec. It opens
// /dev/pts/ptmx rather than /dev/ptmx, a symlink in the sandbox's
// writable /dev that a payload can replace, and checks that it got a
// ptmx; /dev/pts is a mount point, which cannot be renamed, on a
// filesystem in which nothing can be created. The slave comes from the
// master (TIOCGPTPEER), never from a path.
func openPTY(ws *Winsize) (master, slave int, err error) {
	master, err = unix.Open("/dev/pts/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, -1, fmt.Errorf("open /dev/pts/ptmx: %w", err)
	}
	if slave, err = ptySlave(master, ws); err != nil {
		unix.Close(master)
		return -1, -1, err
	}
	return master, slave, nil
}

func ptySlave(master int, ws *Winsize) (int, error) {
	var st unix.Stat_t
	if err := unix.Fstat(master, &st); err != nil {
		return -1, fmt.Errorf("stat /dev/pts/ptmx: %w", err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFCHR || unix.Major(st.Rdev) != 5 || unix.Minor(st.Rdev) != 2 {
		return -1, fmt.Errorf("/dev/pts/ptmx is not the ptmx device (mode %o, device %d:%d)", st.Mode, unix.Major(st.Rdev), unix.Minor(st.Rdev))
	}
	if err := unix.IoctlSetPointerInt(master, unix.TIOCSPTLCK, 0); err != nil {
		return -1, fmt.Errorf("unlock pty: %w", err)
	}
	if ws != nil && (ws.Rows != 0 || ws.Cols != 0) {
		if err := unix.IoctlSetWinsize(master, unix.TIOCSWINSZ, &unix.Winsize{Row: ws.Rows, Col: ws.Cols}); err != nil {
			return -1, fmt.Errorf("set terminal size: %w", err)
		}
	}
	slave, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(master), unix.TIOCGPTPEER, unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC)
	if errno != 0 {
		return -1, fmt.Errorf("open pty slave: %w", errno)
	}
	return int(slave), nil
}
