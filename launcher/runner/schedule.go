package runner

import (
	"os/signal"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/relay"
	"github.com/hclsandbox/sandbox/launcher/supervise"
)

// NewUnits makes a scheduler unit per plan.
func NewUnits(sbs []*config.Sandbox, plans []*launcher.Plan) []*supervise.Unit {
	units := make([]*supervise.Unit, len(plans))
	for i, p := range plans {
		units[i] = &supervise.Unit{Sandbox: sbs[i], Plan: p}
	}
	return units
}

// Schedule runs s until it is done, handing it the launcher's signals:
// the scheduler alone decides what they do (supervise.Escalation). It
// holds the launcher's terminal, so that a SIGHUP of its going away stops
// like Ctrl-C (relay.Hangup).
func Schedule(s *supervise.Scheduler) {
	tty := relay.WatchHangup()
	defer tty.Close()
	s.WatchHangUp(tty.HungUp)
	sigs := takeSignals()
	defer signal.Stop(sigs)
	s.Run(sigs)
}

// AsProcess turns a started sandbox into the scheduler's view of it,
// keeping a nil pointer a nil interface.
func AsProcess(p *launcher.Process) supervise.Process {
	if p == nil {
		return nil
	}
	return p
}
