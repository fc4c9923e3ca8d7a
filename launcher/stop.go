package launcher

import (
	"strings"
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

// SignalName is "SIGTERM" for syscall.SIGTERM, or "signal N".
func SignalName(s syscall.Signal) string { return signalName(s) }

// SafeName maps a sandbox name onto the characters a cgroup directory or a
// hostname may hold: worker["eu"] becomes worker-eu, worker[0] worker-0.
func SafeName(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-'
		if !ok {
			if !dash {
				b.WriteByte('-')
			}
			dash = true
			continue
		}
		b.WriteRune(r)
		dash = r == '-'
	}
	return strings.Trim(b.String(), "-")
}
