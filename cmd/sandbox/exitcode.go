package main

import "fmt"

// Exit codes of the launcher itself. A sandbox's own exit code (or 128+N for
// a signal) passes through otherwise.
const (
	exitOK            = 0
	exitInvalidConfig = 1   // validation failed, unknown sandbox name
	exitUsage         = 2   // bad command line
	exitSetup         = 125 // the launcher or a setup step failed
	exitNotExec       = 126 // the command is not executable
	exitNotFound      = 127 // the command was not found
	exitInterrupted   = 130 // Ctrl-C before any sandbox started (128+SIGINT)
)

// exitError carries an exit code out of a command; its message, if any, has
// not been printed yet.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func exitf(code int, format string, args ...any) error {
	return &exitError{code: code, msg: fmt.Sprintf(format, args...)}
}

// exitCode ends a command with code after its messages were already printed.
func exitCode(code int) error { return &exitError{code: code} }

const exitCodesHelp = `Exit codes:
  0    every sandbox exited 0
  N    the sandbox's own exit code (up: the first sandbox that failed)
  128+N  the sandbox was killed by signal N (137 = SIGKILL, 143 = SIGTERM)
  1    invalid configuration, or an unknown sandbox name
  2    invalid command line
  124  the sandbox's timeout ended it (the whole sandbox was killed)
  125  the launcher or a setup step failed (the step is named)
  126  the command is not executable
  127  the command was not found`
