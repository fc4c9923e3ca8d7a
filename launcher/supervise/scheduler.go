package supervise

import (
	"os"
	"runtime"
	"sync"
	"syscall"
	"time"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
)

// Options configure a Scheduler.
type Options struct {
	// Start starts one run of a unit; it may block (setup, claim).
	Start StartFunc
	Hooks Hooks
	// Parallel is how many units may be starting or running at once;
	// 0: no limit.
	Parallel int
	// FailFast stops every unit once one fails by itself.
	FailFast bool
	// ForwardInterrupt passes the first SIGINT or SIGTERM on as it is
	// instead of each unit's stop signal (run: the payload handles its
	// own Ctrl-C). Escalation is the same: a second one kills.
	ForwardInterrupt bool
	// Persistent keeps the scheduler running once every unit has ended,
	// until an interrupt (up --watch).
	Persistent bool
	// RestartFailedStarts passes a unit's failed first start through its
	// restart policy (up --watch, where an edit may fix it); otherwise a
	// unit that never ran ends for good.
	RestartFailedStarts bool
	// Serial starts one unit at a time, in the order they became ready:
	// the next start waits until StartFunc has returned (up --watch,
	// whose sandboxes come up in declaration order).
	Serial bool
	// Starting is how many StartFuncs may run at once; the units beyond
	// wait for their turn in the order they became ready. 0: DefaultStarting.
	// Serial is 1.
	Starting int
	// Now is the clock; nil: time.Now.
	Now func() time.Time
	// Check runs a health check inside a running sandbox; nil: health
	// checks do not run, and a "healthy" dependency is met once started.
	Check CheckFunc
}

// DefaultStarting is how many sandboxes start at once unless Options say
// otherwise: a start is a few milliseconds of the launcher's and the
// kernel's CPU, so more at once do not finish sooner, while each start
// under way holds a goroutine's deep stack and, in its blocking system
// calls, a thread. Starting all of 500 at once peaked at 109 threads and
// 10 MB more memory in the supervisor than 8 at a time.
func DefaultStarting() int { return 4 * runtime.GOMAXPROCS(0) }

// Scheduler runs units: one loop owns every unit's state; each run's
// goroutine reports through events, and callers through Post.
type Scheduler struct {
	o      Options
	units  []*Unit // in declaration order
	byName map[string]*Unit
	events chan event
	mu     sync.Mutex
	posted []func()
	wake   chan struct{}
	active int // units starting, running or in a backoff
	// checking counts the health checkers whose end the loop has not
	// heard of: Run waits for them, so that no check's result is lost.
	checking int
	// launching counts the StartFuncs under way; queue holds the units
	// that wait for their turn (Options.Starting).
	launching int
	queue     []*Unit
	stopping  bool
	killing   bool // a second interrupt: kill what starts too
	esc       Escalation
}

// event is what a run's goroutine or a timer reports to the loop.
type event struct {
	u     *Unit
	gen   int
	kind  int
	proc  Process
	res   *launcher.Result
	check Check
}

const (
	evStarted    = iota // StartFunc returned
	evExited            // the run ended
	evAgain             // a backoff expired
	evHealth            // a health check ended
	evHealthGone        // a run's health checker ended
)

// New makes a scheduler for units, in declaration order.
func New(o Options, units []*Unit) *Scheduler {
	if o.Now == nil {
		o.Now = time.Now
	}
	switch {
	case o.Serial:
		o.Starting = 1
	case o.Starting <= 0:
		o.Starting = DefaultStarting()
	}
	s := &Scheduler{o: o, byName: map[string]*Unit{}, events: make(chan event, 16), wake: make(chan struct{}, 1)}
	s.esc.Now = o.Now
	for _, u := range units {
		s.Add(u)
	}
	return s
}

// WatchHangUp gives the scheduler what tells a SIGHUP of the launcher's
// terminal going away from one that someone sent (Escalation.HungUp).
// Call it before Run.
func (s *Scheduler) WatchHangUp(hungUp func() bool) { s.esc.HungUp = hungUp }

// Interrupt is the first SIGINT or SIGTERM received, or 0.
func (s *Scheduler) Interrupt() syscall.Signal { return s.esc.First }

// Stopping reports whether an interrupt (or --fail-fast) stopped the
// scheduler: nothing starts any more.
func (s *Scheduler) Stopping() bool { return s.stopping }

// Post runs f on the scheduler's loop; any goroutine may call it.
func (s *Scheduler) Post(f func()) {
	s.mu.Lock()
	s.posted = append(s.posted, f)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run starts units as their dependencies and the budget allow and
// returns once every unit has ended for good (Persistent: once
// interrupted and nothing runs), acting on signals meanwhile.
func (s *Scheduler) Run(signals <-chan os.Signal) {
	for {
		s.schedule()
		if s.finished() {
			return
		}
		select {
		case ev := <-s.events:
			s.handle(ev)
		case <-s.wake:
			s.runPosted()
		case sig := <-signals:
			s.Signal(sig)
		}
	}
}

func (s *Scheduler) runPosted() {
	s.mu.Lock()
	fs := s.posted
	s.posted = nil
	s.mu.Unlock()
	for _, f := range fs {
		f()
	}
}

func (s *Scheduler) finished() bool {
	if s.active > 0 || s.checking > 0 {
		return false
	}
	if s.o.Persistent {
		return s.stopping
	}
	for _, u := range s.units {
		if u.state != done {
			return false
		}
	}
	return true
}

// schedule skips the waiting units that can no longer run and starts the
// ready ones in declaration order while the budget allows, until nothing
// changes.
func (s *Scheduler) schedule() {
	for changed := true; changed; {
		changed = false
		for _, u := range s.units {
			if u.state != waiting {
				continue
			}
			ready, dep, why := s.readiness(u)
			switch {
			case why != "":
				u.state, u.Skip, changed = done, why, true
				if dep != "" && s.o.Hooks.Skipped != nil {
					s.o.Hooks.Skipped(u, dep)
				}
				s.ended(u)
			case ready && (s.o.Parallel <= 0 || s.active < s.o.Parallel):
				s.start(u)
				changed = true
			}
		}
	}
}

// readiness says whether u can start now, or why it never will (and
// because of which dependency). A "started" dependency must have started
// a run, a "completed" one must have exited 0; one that is no longer
// declared counts as met.
func (s *Scheduler) readiness(u *Unit) (ready bool, dep, skip string) {
	if s.stopping {
		return false, "", "batch stopped"
	}
	if u.Sandbox == nil {
		return true, "", ""
	}
	ready = true
	for _, d := range u.Sandbox.DependsOn {
		completed := d.Condition == config.Completed
		healthy := d.Condition == config.Healthy && s.o.Check != nil
		for _, t := range d.Targets {
			du := s.byName[t]
			switch {
			case du == nil || du.removed:
			case healthy:
				met, why := healthReadiness(du, t)
				if why != "" {
					return false, t, why
				}
				ready = ready && met
			case completed && (du.failed || du.state == done && !du.succeeded):
				return false, t, t + " did not complete"
			case !completed && !du.Ran && (du.failed || du.state == done):
				return false, t, t + " did not start"
			case completed && !du.succeeded, !completed && !du.Ran:
				ready = false
			}
		}
	}
	return ready, "", ""
}

// start begins one run of u in a goroutine that reports its start and
// its end.
func (s *Scheduler) start(u *Unit) {
	u.state, u.Stopped, u.failed = starting, false, false
	u.gen++
	gen := u.gen
	u.began = s.o.Now()
	s.active++
	if s.launching >= s.o.Starting {
		s.queue = append(s.queue, u)
		return
	}
	s.launch(u, gen)
}

// launch calls StartFunc for u in a goroutine that reports the start,
// and waits for the end of the run in another (await).
func (s *Scheduler) launch(u *Unit, gen int) {
	s.launching++
	if s.o.Hooks.Starting != nil {
		s.o.Hooks.Starting(u)
	}
	go func() {
		proc, res, release := s.o.Start(u)
		if proc == nil && release != nil {
			// Released before the loop hears of the failed start,
			// which may be the last event before the launcher exits.
			release()
			release = nil
		}
		s.events <- event{u: u, gen: gen, kind: evStarted, proc: proc, res: res}
		if proc == nil {
			return
		}
		await := func() { go s.await(u, gen, proc, release) }
		if n, ok := proc.(ExitNotifier); !ok || !n.OnExit(await) {
			await()
		}
	}()
}

// ExitNotifier is a Process that can say when it has exited, so that
// its end is awaited on a goroutine only from then on: a batch of 500
// running sandboxes would otherwise park 500 goroutines in Wait.
type ExitNotifier interface {
	// OnExit calls f, which does not block, once Wait would return at
	// once; false: it will not, and Wait waits.
	OnExit(f func()) bool
}

// await waits for the end of u's run and reports it. It runs on a
// goroutine of its own, not on the one that started u: a start's deep
// calls grow its goroutine's stack to tens of kilobytes, which a
// goroutine that then waits as long as its sandbox runs would keep. With
// 500 sandboxes running, their waits held 15 MB of stacks.
func (s *Scheduler) await(u *Unit, gen int, proc Process, release func()) {
	res := proc.Wait()
	if release != nil {
		release()
	}
	s.events <- event{u: u, gen: gen, kind: evExited, res: res}
}
