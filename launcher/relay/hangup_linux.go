package relay

import (
	"errors"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/sys/unix"
)

// hupIgnored is whether the launcher started with SIGHUP ignored (nohup):
// read before anything asks for the signal, which undoes the ignoring.
var hupIgnored = signal.Ignored(syscall.SIGHUP)

// Hangup tells a SIGHUP of the launcher's terminal going away (its window
// closed, its ssh session dropped) from one that someone sent, which is
// passed on to the sandboxes. It holds the controlling terminal open.
type Hangup struct{ tty *os.File }

// WatchHangup holds the launcher's controlling terminal for HungUp; nil
// when it has none, or was started under nohup, whose hangups are
// nobody's to act on. Close lets it go.
func WatchHangup() *Hangup {
	if hupIgnored {
		return nil
	}
	tty, err := os.OpenFile("/dev/tty", os.O_RDONLY|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil
	}
	return &Hangup{tty: tty}
}

// HungUp reports whether the terminal has gone away: the kernel makes
// every descriptor of a hung-up terminal fail with EIO, before it sends
// the SIGHUP.
func (h *Hangup) HungUp() bool {
	if h == nil {
		return false
	}
	_, err := unix.IoctlGetTermios(int(h.tty.Fd()), unix.TCGETS)
	return errors.Is(err, unix.EIO)
}

// Close lets the terminal go.
func (h *Hangup) Close() {
	if h != nil {
		h.tty.Close()
	}
}
