package isolation

import (
	"errors"
	"syscall"
	"testing"
)

func TestStepErrorExitCode(t *testing.T) {
	cases := []struct {
		err  StepError
		want int
	}{
		{StepError{Step: "mount proc on /proc", Errno: syscall.EPERM}, 125},
		{StepError{Step: "exec x", Errno: syscall.ENOENT, Exec: true}, 127},
		{StepError{Step: "exec x", Errno: syscall.EACCES, Exec: true}, 126},
		{StepError{Step: "exec x", Errno: syscall.ENOEXEC, Exec: true}, 126},
		{StepError{Step: "exec x", Errno: syscall.E2BIG, Exec: true}, 125},
	}
	for _, tc := range cases {
		if got := tc.err.ExitCode(); got != tc.want {
			t.Errorf("%v: ExitCode() = %d, want %d", &tc.err, got, tc.want)
		}
	}
}

func TestStepErrorMessage(t *testing.T) {
	e := &StepError{Step: "mount proc on /proc", Errno: syscall.EPERM}
	if got, want := e.Error(), "mount proc on /proc: operation not permitted"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(e, syscall.EPERM) {
		t.Errorf("errors.Is(%v, EPERM) = false", e)
	}
	e = &StepError{Step: "exec app", Errno: syscall.ENOENT, Msg: "command not found in PATH /bin"}
	if got, want := e.Error(), "exec app: command not found in PATH /bin"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
