//go:build !linux

package main

import (
	"os"

	"github.com/hclsandbox/sandbox/launcher"
)

// attachedStdio connects a sandbox to the caller's streams.
func (e *env) attachedStdio() (launcher.Stdio, func(), error) {
	return launcher.Stdio{Stdin: e.stdin, Stdout: e.stdout, Stderr: e.stderr}, func() {}, nil
}

// isTerminal reports whether v is an *os.File open on a character device.
func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
