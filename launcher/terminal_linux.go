package launcher

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// terminal is the launcher's side of a pty made inside a sandbox: its
// master, relayed to the caller. The caller's own terminal, its raw mode
// and its size changes are the caller's business (Resize).
type terminal struct {
	master *os.File
	out    *outputRelay
}

// relayTerminal relays master: its output to out, in (when not nil) to
// its input. The end of in is not passed on: a terminal has no end of
// input, only a hang-up, which comes when the sandbox's side is done.
func relayTerminal(master *os.File, in io.Reader, out io.Writer) *terminal {
	t := &terminal{master: master, out: relayOutput(out, master)}
	if in != nil {
		go io.Copy(master, in)
	}
	return t
}

// resize sets the terminal's size; the kernel sends SIGWINCH to its
// foreground process group.
func (t *terminal) resize(ws Winsize) error {
	if t == nil {
		return nil
	}
	rc, err := t.master.SyscallConn() // never Fd(), which would make it blocking
	if err != nil {
		return err
	}
	var ierr error
	err = rc.Control(func(fd uintptr) {
		ierr = unix.IoctlSetWinsize(int(fd), unix.TIOCSWINSZ, &unix.Winsize{Row: ws.Rows, Col: ws.Cols})
	})
	if err == nil {
		err = ierr
	}
	if err != nil {
		return fmt.Errorf("resize the sandbox's terminal: %w", err)
	}
	return nil
}

// finish copies the output left once the terminal's processes have ended
// and closes the master.
func (t *terminal) finish() {
	if t != nil {
		t.out.finish()
	}
}

// terminalSocket is the pair of sockets on which a child sends the
// master of the pty it made (isolation.TerminalFD).
func terminalSocket() (ours, theirs *os.File, err error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("create the terminal socket: %w", err)
	}
	return os.NewFile(uintptr(fds[0]), "terminal"), os.NewFile(uintptr(fds[1]), "terminal"), nil
}

// receiveMaster reads the pty master a child sent on sock; an end of the
// socket without one is an error.
func receiveMaster(sock *os.File) (*os.File, error) {
	buf, oob := make([]byte, 1), make([]byte, unix.CmsgSpace(4))
	_, oobn, _, _, err := unix.Recvmsg(int(sock.Fd()), buf, oob, unix.MSG_CMSG_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("receive the sandbox's terminal: %w", err)
	}
	return masterFromRights(oob[:oobn])
}

// masterFromRights takes the one descriptor of an SCM_RIGHTS message,
// which must be a pty master, and returns it ready for a relay. Any other
// descriptor it carried is closed.
func masterFromRights(oob []byte) (*os.File, error) {
	var fds []int
	if msgs, err := unix.ParseSocketControlMessage(oob); err == nil {
		for _, m := range msgs {
			if got, err := unix.ParseUnixRights(&m); err == nil {
				fds = append(fds, got...)
			}
		}
	}
	if len(fds) != 1 {
		for _, fd := range fds {
			unix.Close(fd)
		}
		return nil, fmt.Errorf("receive the sandbox's terminal: got %d descriptors, want its master", len(fds))
	}
	if err := checkMaster(fds[0]); err != nil {
		unix.Close(fds[0])
		return nil, err
	}
	return os.NewFile(uintptr(fds[0]), "pty master"), nil
}

// checkMaster makes sure that fd, which comes from inside a sandbox, is a
// pty master (char 5:2) before the launcher relays it, and makes it
// non-blocking so that os.NewFile puts it in the poller.
func checkMaster(fd int) error {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return fmt.Errorf("check the sandbox's terminal: %w", err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFCHR || unix.Major(st.Rdev) != 5 || unix.Minor(st.Rdev) != 2 {
		return fmt.Errorf("check the sandbox's terminal: not a pty master (mode %o, device %d:%d)", st.Mode, unix.Major(st.Rdev), unix.Minor(st.Rdev))
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		return fmt.Errorf("check the sandbox's terminal: %w", err)
	}
	return nil
}
