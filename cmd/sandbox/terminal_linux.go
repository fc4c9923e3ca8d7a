package main

import (
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/hclsandbox/sandbox/launcher"
	"golang.org/x/sys/unix"
)

// attachedStdio connects a sandbox to the caller's streams. When stdin is a
// terminal the sandbox gets a pseudo-terminal of its own, relayed to the
// caller's in raw mode: nothing inside can push input into the caller's
// terminal (TIOCSTI) or change its settings. done restores the terminal and
// waits for the last output; call it after the sandbox ended.
func (e *env) attachedStdio() (stdio launcher.Stdio, done func(), err error) {
	plain := launcher.Stdio{Stdin: e.stdin, Stdout: e.stdout, Stderr: e.stderr}
	in, ok := e.stdin.(*os.File)
	if !ok || !isTerminal(in) {
		return plain, func() {}, nil
	}
	master, slave, err := launcher.OpenPTY()
	if err != nil {
		return plain, nil, err
	}
	restore := makeRaw(in)
	resize(in, master)
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	go func() {
		for range winch {
			resize(in, master)
		}
	}()
	go io.Copy(master, in)
	copied := make(chan struct{})
	go func() {
		io.Copy(e.stdout, master) // ends with EIO once the sandbox's side is closed
		close(copied)
	}()
	done = func() {
		slave.Close()
		<-copied
		signal.Stop(winch)
		close(winch)
		master.Close()
		restore()
	}
	return launcher.Stdio{Terminal: slave}, done, nil
}

// isTerminal reports whether v is an *os.File open on a terminal.
func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// makeRaw puts the terminal in raw mode and returns what restores it.
func makeRaw(f *os.File) (restore func()) {
	fd := int(f.Fd())
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return func() {}
	}
	raw := *old
	raw.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	raw.Oflag &^= unix.OPOST
	raw.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	raw.Cflag &^= unix.CSIZE | unix.PARENB
	raw.Cflag |= unix.CS8
	raw.Cc[unix.VMIN], raw.Cc[unix.VTIME] = 1, 0
	unix.IoctlSetTermios(fd, unix.TCSETS, &raw)
	return func() { unix.IoctlSetTermios(fd, unix.TCSETS, old) }
}

// resize gives the sandbox's terminal the caller's window size.
func resize(from, to *os.File) {
	if ws, err := unix.IoctlGetWinsize(int(from.Fd()), unix.TIOCGWINSZ); err == nil {
		unix.IoctlSetWinsize(int(to.Fd()), unix.TIOCSWINSZ, ws)
	}
}
