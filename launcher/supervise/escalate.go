package supervise

import (
	"os"
	"syscall"
	"time"
)

// Coalesce is how close two interrupts must be to count as one: a
// terminal's Ctrl-C reaches the whole process group, and a parent may
// forward the same signal, so one keypress can arrive twice.
const Coalesce = 20 * time.Millisecond

// Forwarded are the signals the launcher acts on (Classify): those it
// passes on to running sandboxes, the interrupts, and SIGPIPE, which
// would otherwise kill it mid-write when the reader of its output goes
// away (`sandbox up | head`) and leave its sandboxes and records behind.
var Forwarded = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP,
	syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH, syscall.SIGPIPE}

// Action is what the launcher does about a signal it received.
type Action int

// Actions of an Escalation.
const (
	// Forward passes the signal on to every running sandbox.
	Forward Action = iota
	// Stop is the first interrupt: stop every sandbox.
	Stop
	// Kill is a later interrupt: SIGKILL whatever still runs.
	Kill
	// Ignore is an interrupt within Coalesce of the one before.
	Ignore
)

// Escalation is the one rule for the launcher's own signals: the first
// SIGINT or SIGTERM stops, a second one kills, and two within Coalesce of
// each other count once. Other signals are forwarded. The zero value is
// ready; Now, when set, is its clock.
type Escalation struct {
	Now func() time.Time
	// HungUp, when set, reports whether the launcher's terminal has gone
	// away: a SIGHUP then stops as SIGPIPE does, since no Ctrl-C can
	// follow it; any other SIGHUP is passed on.
	HungUp func() bool
	last   time.Time
	// First is the first interrupt received, 0 before one.
	First syscall.Signal
}

// Classify says what to do about sig, and counts it. SIGPIPE, and the
// SIGHUP of a terminal that went away, stop as a first interrupt does,
// and only then: every later write to the closed output raises SIGPIPE
// again, which must not escalate to a kill.
func (e *Escalation) Classify(sig os.Signal) Action {
	s, _ := sig.(syscall.Signal)
	gone := s == syscall.SIGPIPE || s == syscall.SIGHUP && e.HungUp != nil && e.HungUp()
	if gone && e.First != 0 {
		return Ignore
	}
	if !gone && s != syscall.SIGINT && s != syscall.SIGTERM {
		return Forward
	}
	now := time.Now
	if e.Now != nil {
		now = e.Now
	}
	t := now()
	if e.First != 0 && t.Sub(e.last) < Coalesce {
		return Ignore
	}
	e.last = t
	if e.First == 0 {
		e.First = s
		return Stop
	}
	return Kill
}
