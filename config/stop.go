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
		name, d := signalAttr(a, ctx, "Invalid stop signal", "a stop signal")
		diags = append(diags, d...)
		s.StopSignal = name
	}
	if a, ok := attrs["stop_timeout"]; ok {
		t, d := durationAttr(a, ctx)
		diags = append(diags, d...)
		s.StopTimeout = t
	}
	return diags
}

// signalAttr reads a signal name, "SIGTERM" or "term", spelled as the
// kernel headers do; what names one of StopSignals.
func signalAttr(a *hcl.Attribute, ctx *hcl.EvalContext, summary, what string) (string, hcl.Diagnostics) {
	v, ok, diags := stringValue(a, ctx)
	if !ok {
		return "", diags
	}
	name := strings.ToUpper(v)
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	if !contains(StopSignals, name) {
		diags = append(diags, invalid(a, summary,
			"%q is not %s; use one of %s.%s", v, what, strings.Join(StopSignals, ", "), didYouMean(name, StopSignals))...)
	}
	return name, diags
}
