//go:build !linux

package main

import (
	"os"

	"github.com/hclsandbox/sandbox/launcher"
)

// attachedStdio connects a sandbox to the caller's streams.
func (e *env) attachedStdio() launcher.Stdio {
	return launcher.Stdio{Stdin: e.stdin, Stdout: e.stdout, Stderr: e.stderr}
}

// terminal is nil: sandboxes, and their terminals, are Linux only.
func (e *env) terminal() *os.File { return nil }

// resizer is a sandbox's terminal, which takes the caller's size.
type resizer interface {
	Resize(launcher.Winsize) error
}

// attachTerminal does nothing off Linux.
func attachTerminal(tty *os.File, r resizer, raw bool) (restore func()) { return func() {} }

// windowSize is nil off Linux.
func windowSize(f *os.File) *launcher.Winsize { return nil }

// isTerminal reports whether v is an *os.File open on a character device.
func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
