package state

import (
	"syscall"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/config"
)

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
