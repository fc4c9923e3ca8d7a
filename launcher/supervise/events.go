package supervise

import (
	"slices"
	"syscall"
	"time"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
)

// handle records a run's start or end, or an expired backoff.
func (s *Scheduler) handle(ev event) {
	u := ev.u
	switch ev.kind {
	case evStarted:
		s.launched()
	case evHealthGone:
		s.checking--
		return
	}
	if ev.gen != u.gen {
		return // a late report of a run that a relaunch replaced
	}
	switch {
	case ev.kind == evAgain:
		s.again(u)
	case ev.kind == evHealth:
		s.checked(u, ev.check)
	case ev.kind == evStarted && ev.proc != nil:
		s.started(u, ev.proc)
	default: // an end, or a start that failed
		s.exited(u, ev.res)
	}
}

// launched notes that a StartFunc returned and launches the next unit
// that waits for its turn.
func (s *Scheduler) launched() {
	s.launching--
	if len(s.queue) > 0 && s.launching < s.o.Starting {
		u := s.queue[0]
		s.queue = s.queue[1:]
		s.launch(u, u.gen)
	}
}

// queued reports whether u waits for its turn to start.
func (s *Scheduler) queued(u *Unit) bool { return slices.Contains(s.queue, u) }

// unqueue takes u out of the queue of units that wait for their turn,
// if it is there, and ends it as a unit that does not run; it reports
// whether u was queued.
func (s *Scheduler) unqueue(u *Unit) bool {
	i := slices.Index(s.queue, u)
	if i < 0 {
		return false
	}
	s.queue = slices.Delete(s.queue, i, i+1)
	s.active--
	return true
}

// dropQueue ends every unit that still waits for its turn to start: once
// stopping, none starts.
func (s *Scheduler) dropQueue() {
	q := s.queue
	s.queue = nil
	for _, u := range q {
		s.active--
		if !u.Ran {
			u.Skip = "batch stopped"
		}
		s.settle(u)
	}
}

// started makes u running and acts on what happened while it started.
func (s *Scheduler) started(u *Unit, p Process) {
	u.state, u.Ran, u.proc = running, true, p
	switch {
	case s.killing:
		p.Signal(syscall.SIGKILL)
		return
	case s.stopping || u.removed || u.relaunch:
		s.stopUnit(u)
		return
	}
	relaunch := !u.relaunchT.IsZero()
	since := time.Duration(0)
	if relaunch {
		since = s.o.Now().Sub(u.relaunchT)
		u.relaunchT = time.Time{}
	}
	if s.o.Hooks.Started != nil {
		s.o.Hooks.Started(u, relaunch, since)
	}
	s.watchHealth(u)
}

// exited handles the end of a run, or a failed start: a removed unit is
// forgotten, a relaunch starts it again, otherwise the restart policy
// decides.
func (s *Scheduler) exited(u *Unit, res *launcher.Result) {
	s.active--
	s.stopHealth(u)
	stopTimer(u.kill)
	u.kill, u.proc, u.Result = nil, nil, res
	ran := u.state == running
	switch {
	case u.removed:
		s.forget(u)
		return
	case u.relaunch && !s.stopping:
		u.relaunch, u.restarts = false, 0
		s.start(u)
		return
	}
	u.relaunch = false
	if res != nil && res.ExitCode == 0 && ran {
		u.succeeded = true
	}
	wait, n := s.retry(u, res)
	if !s.stopping && !u.Stopped && s.o.Hooks.Exited != nil {
		s.o.Hooks.Exited(u, res, wait, n)
	}
	if wait > 0 {
		u.state = starting
		s.active++
		gen := u.gen
		u.retry = time.AfterFunc(wait, func() { s.events <- event{u: u, gen: gen, kind: evAgain} })
		return
	}
	u.failed = res == nil || res.ExitCode != 0
	s.settle(u)
	if s.o.FailFast && !u.Stopped && !u.Succeeded() {
		s.stop()
	}
}

// retry applies u's restart policy to a run that ended by itself: the
// wait before the next run and its number, or 0.
func (s *Scheduler) retry(u *Unit, res *launcher.Result) (time.Duration, int) {
	if s.stopping || u.Stopped || res == nil || !(u.Ran || s.o.RestartFailedStarts) {
		return 0, 0
	}
	if s.o.Now().Sub(u.began) >= Healthy {
		u.restarts = 0
	}
	var policy config.Restart
	if u.Sandbox != nil {
		policy = u.Sandbox.Restart
	}
	if !ShouldRestart(policy, res.ExitCode, u.restarts) {
		return 0, 0
	}
	u.restarts++
	return Backoff(u.restarts), u.restarts
}

// again starts a unit whose backoff expired, or ends it when the
// scheduler is stopping meanwhile.
func (s *Scheduler) again(u *Unit) {
	u.retry = nil
	s.active--
	switch {
	case u.removed:
		s.forget(u)
	case s.stopping:
		s.settle(u)
	default:
		u.relaunch = false
		s.start(u)
	}
}

// settle ends u until a relaunch (Persistent) or for good.
func (s *Scheduler) settle(u *Unit) {
	u.state = done
	if s.o.Persistent {
		u.state = idle
	}
	s.ended(u)
}

func (s *Scheduler) ended(u *Unit) {
	if s.o.Hooks.Ended != nil {
		s.o.Hooks.Ended(u)
	}
}

func stopTimer(t *time.Timer) {
	if t != nil {
		t.Stop()
	}
}
