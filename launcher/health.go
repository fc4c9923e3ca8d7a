package launcher

import (
	"time"

	"github.com/hclsandbox/sandbox/config"
)

// HealthPlan is a sandbox's health check: a command that the sandbox's
// init runs inside it, as `sandbox exec` does, every Interval.
type HealthPlan struct {
	// Command is the argv of the check.
	Command []string `json:"command"`
	// Interval, Timeout, Retries and StartPeriod mean what they do in
	// config.Health.
	Interval    time.Duration `json:"interval_ns"`
	Timeout     time.Duration `json:"timeout_ns"`
	Retries     int           `json:"retries"`
	StartPeriod time.Duration `json:"start_period_ns,omitempty"`
}

// planHealth copies the sandbox's health block into the plan. A sandbox
// with a check runs the init unless init says otherwise (a validate
// error): the init is what starts the check inside it.
func planHealth(p *Plan, s *config.Sandbox) {
	h := s.Health
	if h == nil {
		return
	}
	p.Health = &HealthPlan{Command: append([]string(nil), h.Command...), Interval: h.Interval,
		Timeout: h.Timeout, Retries: h.Retries, StartPeriod: h.StartPeriod}
	if p.initConfig == nil {
		on := true
		p.initConfig = &on
	}
}
