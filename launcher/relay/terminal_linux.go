package relay

import (
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/hclsandbox/sandbox/launcher"
	"golang.org/x/sys/unix"
)

// AttachedStdio connects a sandbox to the caller's streams, which the
// launcher relays: the sandbox never holds one of them. When stdin is a
// terminal, the sandbox gets a pseudo-terminal of its own devpts, of the
// caller's size, relayed to the caller's terminal (see AttachTerminal):
// nothing inside can push input into the caller's terminal (TIOCSTI) or
// change its settings.
func AttachedStdio(stdin io.Reader, stdout, stderr io.Writer) launcher.Stdio {
	s := launcher.Stdio{Stdin: stdin, Stdout: stdout, Stderr: stderr}
	if tty := Terminal(stdin); tty != nil {
		s.Terminal = WindowSize(tty)
	}
	return s
}

// Terminal is the caller's stdin when it is a terminal, else nil.
func Terminal(stdin io.Reader) *os.File {
	if f, ok := stdin.(*os.File); ok && IsTerminal(f) {
		return f
	}
	return nil
}

// Resizer is a sandbox's terminal, which takes the caller's size.
type Resizer interface {
	Resize(launcher.Winsize) error
}

// AttachTerminal passes the size changes of the caller's terminal tty on
// to r and, when raw, puts tty in raw mode, so that every key reaches the
// sandbox's terminal, whose own line discipline handles it (Ctrl-C
// included). restore undoes both; defer it, so that it runs on every
// way out, and only once the output is relayed.
func AttachTerminal(tty *os.File, r Resizer, raw bool) (restore func()) {
	undo := func() {}
	if raw {
		undo = makeRaw(tty)
	}
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-winch:
				if ws := WindowSize(tty); ws != nil {
					r.Resize(*ws)
				}
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(winch)
		close(done)
		undo()
	}
}

// IsTerminal reports whether v is an *os.File open on a terminal.
func IsTerminal(v any) bool {
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

// WindowSize is the terminal's size, or nil when it has none.
func WindowSize(f *os.File) *launcher.Winsize {
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil {
		return nil
	}
	return &launcher.Winsize{Rows: ws.Row, Cols: ws.Col}
}
