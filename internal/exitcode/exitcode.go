// Package exitcode holds the launcher's own exit codes and the error
// that carries one out of the engine packages to the command, which
// prints its message and exits with its code. A sandbox's own exit code
// (or 128+N for a signal) passes through otherwise.
//
// It must never import anything of this module: every package that
// ends a command may import it.
package exitcode

import "fmt"

// The launcher's own exit codes.
const (
	OK            = 0
	InvalidConfig = 1   // validation failed, unknown sandbox name
	Usage         = 2   // bad command line
	Setup         = 125 // the launcher or a setup step failed
	Interrupted   = 130 // Ctrl-C before any sandbox started (128+SIGINT)
)

// Error ends a command with Code; Msg, when not empty, has not been
// printed yet.
type Error struct {
	Code int
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

// Errorf is an Error with a message still to print.
func Errorf(code int, format string, args ...any) error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// Code ends a command with code after its messages were printed.
func Code(code int) error { return &Error{Code: code} }
