package launcher

import (
	"syscall"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/config"
)

func TestParseSignal(t *testing.T) {
	for in, want := range map[string]syscall.Signal{"SIGTERM": syscall.SIGTERM, "term": syscall.SIGTERM,
		"KILL": syscall.SIGKILL, "9": syscall.SIGKILL, "usr1": syscall.SIGUSR1} {
		if got, err := ParseSignal(in); got != want || err != nil {
			t.Errorf("ParseSignal(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "SIGNOPE", "0", "99"} {
		if _, err := ParseSignal(in); err == nil {
			t.Errorf("ParseSignal(%q) succeeded, want an error", in)
		}
	}
}

func TestStopSettings(t *testing.T) {
	rec := &Record{StopSignal: "SIGUSR2", StopTimeout: 3 * time.Second}
	for _, tt := range []struct {
		rec     *Record
		o       StopOptions
		sig     syscall.Signal
		timeout time.Duration
	}{
		{rec, StopOptions{Timeout: -1}, syscall.SIGUSR2, 3 * time.Second},
		{rec, StopOptions{Signal: syscall.SIGINT, Timeout: 0}, syscall.SIGINT, 0},
		{&Record{}, StopOptions{Timeout: -1}, syscall.SIGTERM, config.DefaultStopTimeout},
	} {
		sig, timeout := stopSettings(tt.rec, tt.o)
		if sig != tt.sig || timeout != tt.timeout {
			t.Errorf("stopSettings(%+v, %+v) = %v, %v; want %v, %v", tt.rec, tt.o, sig, timeout, tt.sig, tt.timeout)
		}
	}
}
