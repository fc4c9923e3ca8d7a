package supervise

import (
	"os"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
)

// The methods below change the set of units while the scheduler runs
// (up --watch applying an edit, or a watched file that changed). Call
// them before Run or on its loop, through Post.

// Add declares a new unit, which waits for its dependencies. A unit of
// the same name that is being removed is kept and relaunched with u's
// definition instead.
func (s *Scheduler) Add(u *Unit) {
	if old := s.byName[u.Name()]; old != nil {
		old.removed = false
		s.Update(u.Sandbox, u.Plan)
		s.Relaunch(u.Name())
		return
	}
	s.units = append(s.units, u)
	s.byName[u.Name()] = u
}

// Update gives a unit a new definition without relaunching it: its next
// run uses it.
func (s *Scheduler) Update(sb *config.Sandbox, plan *launcher.Plan) {
	if u := s.byName[plan.Name]; u != nil {
		u.Sandbox, u.Plan = sb, plan
	}
}

// Reorder puts the named units first, in this order; declaration order
// decides which ready unit starts first.
func (s *Scheduler) Reorder(names []string) {
	var out []*Unit
	seen := map[*Unit]bool{}
	for _, n := range names {
		if u := s.byName[n]; u != nil && !seen[u] {
			out, seen[u] = append(out, u), true
		}
	}
	for _, u := range s.units {
		if !seen[u] {
			out = append(out, u)
		}
	}
	s.units = out
}

// Unit is the unit named name, or nil.
func (s *Scheduler) Unit(name string) *Unit { return s.byName[name] }

// Running reports whether a run of the named unit is under way.
func (s *Scheduler) Running(name string) bool {
	u := s.byName[name]
	return u != nil && u.state == running
}

// Waiting reports whether the named unit still waits for its first start.
func (s *Scheduler) Waiting(name string) bool {
	u := s.byName[name]
	return u != nil && u.state == waiting
}

// Remove stops the named unit and forgets it once it has ended; it
// reports whether it was running (or starting), so that its end is still
// to come.
func (s *Scheduler) Remove(name string) bool {
	u := s.byName[name]
	if u == nil || u.removed {
		return false
	}
	u.removed = true
	if u.retry != nil && u.retry.Stop() {
		u.retry = nil
		s.active--
		u.state = idle
	}
	switch u.state {
	case running:
		s.stopUnit(u)
		return true
	case starting:
		if !s.unqueue(u) {
			return true // stopped once started, forgotten at its end
		}
	}
	s.forget(u)
	return false
}

// forget drops a removed unit.
func (s *Scheduler) forget(u *Unit) {
	delete(s.byName, u.Name())
	for i, x := range s.units {
		if x == u {
			s.units = append(s.units[:i], s.units[i+1:]...)
			break
		}
	}
	if s.o.Hooks.Removed != nil {
		s.o.Hooks.Removed(u)
	}
}

// Relaunch stops the named unit, if it runs, and starts it again once it
// has ended; a unit that does not run starts now. A unit that still
// waits for its dependencies is left alone.
func (s *Scheduler) Relaunch(name string) {
	u := s.byName[name]
	if u == nil || s.stopping || u.removed || u.state == waiting {
		return
	}
	if u.retry != nil && u.retry.Stop() {
		u.retry = nil
		s.active--
		u.state = idle
	}
	u.relaunchT = s.o.Now()
	switch u.state {
	case running:
		u.relaunch = true
		s.stopUnit(u)
	case starting:
		// Stopped as soon as it has started; one that waits for its
		// turn starts with its new definition anyway.
		u.relaunch = !s.queued(u)
	default:
		s.start(u)
	}
}

// SignalUnit sends sig to the named unit if it runs, and reports whether
// it did.
func (s *Scheduler) SignalUnit(name string, sig os.Signal) bool {
	if !s.Running(name) {
		return false
	}
	s.byName[name].proc.Signal(sig)
	return true
}
