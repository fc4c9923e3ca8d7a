//go:build !linux

package relay

import (
	"io"
	"os"

	"github.com/hclsandbox/sandbox/launcher"
)

// AttachedStdio connects a sandbox to the caller's streams.
func AttachedStdio(stdin io.Reader, stdout, stderr io.Writer) launcher.Stdio {
	return launcher.Stdio{Stdin: stdin, Stdout: stdout, Stderr: stderr}
}

// Terminal is nil: sandboxes, and their terminals, are Linux only.
func Terminal(stdin io.Reader) *os.File { return nil }

// Resizer is a sandbox's terminal, which takes the caller's size.
type Resizer interface {
	Resize(launcher.Winsize) error
}

// AttachTerminal does nothing off Linux.
func AttachTerminal(tty *os.File, r Resizer, raw bool) (restore func()) { return func() {} }

// WindowSize is nil off Linux.
func WindowSize(f *os.File) *launcher.Winsize { return nil }

// IsTerminal reports whether v is an *os.File open on a character device.
func IsTerminal(v any) bool {
	f, ok := v.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
