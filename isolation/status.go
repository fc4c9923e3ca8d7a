package isolation

import (
	"fmt"
	"syscall"
)

// StepError is a failed child step, reported to the parent on the status fd.
type StepError struct {
	// Step names what failed, such as "mount proc on /proc" or "exec /bin/app".
	Step string `json:"step"`
	// Errno is the system error number, 0 when the failure was not a syscall.
	Errno syscall.Errno `json:"errno,omitempty"`
	// Msg describes the failure in words; when empty, the errno does.
	Msg string `json:"msg,omitempty"`
	// Exec is set when the failure was the final execve of the target.
	Exec bool `json:"exec,omitempty"`
}

func (e *StepError) Error() string {
	if e.Msg != "" {
		return fmt.Sprintf("%s: %s", e.Step, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Step, e.Errno.Error())
}

// Unwrap lets errors.Is match the errno.
func (e *StepError) Unwrap() error {
	if e.Errno != 0 {
		return e.Errno
	}
	return nil
}

// ExitCode is the launcher's exit code for this failure: 127 when the command
// was not found, 126 when it was not executable, 125 for any setup step.
func (e *StepError) ExitCode() int {
	if !e.Exec {
		return 125
	}
	switch e.Errno {
	case syscall.ENOENT, syscall.ENOTDIR:
		return 127
	case syscall.EACCES, syscall.ENOEXEC, syscall.EPERM, syscall.EISDIR:
		return 126
	}
	return 125
}

// stepErr wraps err as the failure of step.
func stepErr(step string, err error) *StepError {
	if e, ok := err.(*StepError); ok {
		return e
	}
	var errno syscall.Errno
	if asErrno(err, &errno) {
		return &StepError{Step: step, Errno: errno}
	}
	return &StepError{Step: step, Msg: err.Error()}
}
