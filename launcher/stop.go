package launcher

import (
	"syscall"
	"time"

	"github.com/hclsandbox/sandbox/config"
)

// planStop records how the sandbox is asked to stop when that differs
// from the defaults: its stop signal, then SIGKILL after the stop timeout.
func planStop(p *Plan, s *config.Sandbox) {
	if s.StopSignal != config.DefaultStopSignal {
		p.StopSignal = signalsByName[s.StopSignal]
	}
	if s.StopTimeout != config.DefaultStopTimeout {
		p.StopTimeout = s.StopTimeout
	}
}

// Stop is how the sandbox is asked to stop: sig first, then SIGKILL after
// timeout.
func (p *Plan) Stop() (sig syscall.Signal, timeout time.Duration) {
	sig, timeout = p.StopSignal, p.StopTimeout
	if sig == 0 {
		sig = signalsByName[config.DefaultStopSignal]
	}
	if timeout <= 0 {
		timeout = config.DefaultStopTimeout
	}
	return sig, timeout
}
