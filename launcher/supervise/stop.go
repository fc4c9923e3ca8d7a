package supervise

import (
	"os"
	"syscall"
	"time"
)

// Signal acts on a signal the launcher received, by the one rule of
// Escalation: the first SIGINT or SIGTERM (or SIGPIPE, or the SIGHUP of a
// terminal that went away) stops every unit, a later one kills what
// still runs; others are passed on to every running unit.
// Call it on the loop (Run does, for its signals channel).
func (s *Scheduler) Signal(sig os.Signal) {
	switch s.esc.Classify(sig) {
	case Forward:
		s.each(func(u *Unit) { u.proc.Signal(sig) })
	case Stop:
		// A closed output or a hung-up terminal (the only SIGHUP that
		// stops) is no payload's Ctrl-C, and no second one can follow.
		if s.o.ForwardInterrupt && sig != syscall.SIGPIPE && sig != syscall.SIGHUP {
			s.stopping = true
			s.cancelRetries()
			s.dropQueue()
			s.each(func(u *Unit) { u.Stopped = true; u.proc.Signal(sig) })
			return
		}
		s.stop()
	case Kill:
		s.killing = true
		s.each(func(u *Unit) { u.proc.Signal(syscall.SIGKILL) })
	}
}

// stop starts no more units and asks every running one to stop.
func (s *Scheduler) stop() {
	s.stopping = true
	s.each(s.stopUnit)
	s.cancelRetries()
	s.dropQueue()
}

// stopUnit is the one stop-then-kill: u's stop signal, then SIGKILL
// after its stop timeout unless it has ended by then.
func (s *Scheduler) stopUnit(u *Unit) {
	if u.proc == nil || u.kill != nil {
		return
	}
	u.Stopped = true
	sig, timeout := u.Plan.Stop()
	p := u.proc
	p.Signal(sig)
	u.kill = time.AfterFunc(timeout, func() { p.Signal(syscall.SIGKILL) })
	if s.o.Hooks.Stopping != nil {
		s.o.Hooks.Stopping(u, sig, timeout)
	}
}

// cancelRetries cuts short every backoff, so that a stop does not wait
// for it.
func (s *Scheduler) cancelRetries() {
	for _, u := range s.units {
		if u.retry != nil && u.retry.Stop() {
			u.retry = nil
			s.active--
			s.settle(u)
		}
	}
}

// each calls f for every running unit.
func (s *Scheduler) each(f func(*Unit)) {
	for _, u := range s.units {
		if u.state == running {
			f(u)
		}
	}
}
