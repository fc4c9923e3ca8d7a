package config

import (
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
)

// DefaultStopSignal and DefaultStopTimeout apply when a sandbox sets no
// stop_signal or stop_timeout.
const (
	DefaultStopSignal  = "SIGTERM"
	DefaultStopTimeout = 10 * time.Second
)

// StopSignals are the names stop_signal accepts, with or without "SIG".
var StopSignals = []string{"SIGHUP", "SIGINT", "SIGQUIT", "SIGKILL", "SIGUSR1", "SIGUSR2", "SIGTERM"}

// decodeStop fills s.StopSignal and s.StopTimeout, defaults included.
func decodeStop(s *Sandbox, attrs hcl.Attributes, ctx *hcl.EvalContext) hcl.Diagnostics {
	s.StopSignal, s.StopTimeout = DefaultStopSignal, DefaultStopTimeout
	var diags hcl.Diagnostics
	if a, ok := attrs["stop_signal"]; ok {
		v, d := stringValue(a, ctx)
		diags = append(diags, d...)
		name := strings.ToUpper(v)
		if !strings.HasPrefix(name, "SIG") {
			name = "SIG" + name
		}
		if !d.HasErrors() && !contains(StopSignals, name) {
			diags = append(diags, invalid(a, "Invalid stop signal",
				"%q is not a stop signal; use one of %s.%s", v, strings.Join(StopSignals, ", "), didYouMean(name, StopSignals))...)
		}
		s.StopSignal = name
	}
	if a, ok := attrs["stop_timeout"]; ok {
		t, d := durationAttr(a, ctx)
		diags = append(diags, d...)
		s.StopTimeout = t
	}
	return diags
}
