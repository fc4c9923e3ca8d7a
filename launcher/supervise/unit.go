package supervise

import (
	"os"
	"syscall"
	"time"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
)

// Process is a started sandbox, as the scheduler sees it;
// *launcher.Process is one.
type Process interface {
	Signal(os.Signal) error
	Wait() *launcher.Result
}

// StartFunc starts one run of u. Without a process, the result says why
// the start failed. release, if not nil, is called once the run has ended
// and its output is complete.
type StartFunc func(u *Unit) (p Process, failed *launcher.Result, release func())

// Unit is one sandbox under supervision: what to run, and how it went.
// The scheduler writes the outcome fields; read them after Run returns.
type Unit struct {
	Sandbox *config.Sandbox
	Plan    *launcher.Plan

	// Ran is set once a run of its command started; Result is how the last
	// run (or the failed start) ended; Skip says why it never started;
	// Stopped is set when the scheduler stopped it (interrupt, fail-fast,
	// removal), so that its end is not a failure of its own.
	Ran     bool
	Result  *launcher.Result
	Skip    string
	Stopped bool
	// Health is the state of its health check (HealthStarting ...), ""
	// without one; LastCheck is how the last check went.
	Health    string
	LastCheck Check

	failures   int           // failed checks in a row
	ranAt      time.Time     // when the current run started
	healthStop chan struct{} // closed to end the current run's checks

	state     state
	proc      Process
	gen       int // counts runs, so that a late end of an old run is known
	began     time.Time
	restarts  int // in a row, under the restart policy
	kill      *time.Timer
	retry     *time.Timer // a pending backoff
	succeeded bool        // a run exited 0
	failed    bool        // ended for good without exiting 0
	relaunch  bool        // a stop under way is followed by a start
	relaunchT time.Time   // when a relaunch was asked for; zero: none
	removed   bool
}

// state is where a unit is.
type state int

const (
	waiting  state = iota // for its dependencies or a free slot
	starting              // StartFunc runs, or a backoff waits
	running               // its command runs
	idle                  // ended; a relaunch may start it again
	done                  // ended for good, or skipped
)

// Name is the sandbox's name.
func (u *Unit) Name() string { return u.Plan.Name }

// Launched reports whether a start of u was ever tried.
func (u *Unit) Launched() bool { return u.gen > 0 }

// Succeeded reports whether the unit ran and its last run exited 0.
func (u *Unit) Succeeded() bool { return u.Ran && u.Result != nil && u.Result.ExitCode == 0 }

// Hooks tell the caller what happens; each runs on the scheduler's loop
// and may be nil.
type Hooks struct {
	// Starting: a start of u is about to be tried (StartFunc then runs
	// in a goroutine of its own).
	Starting func(u *Unit)
	// Started: a run of u started; relaunch is set when Relaunch asked
	// for it, since how long ago.
	Started func(u *Unit, relaunch bool, since time.Duration)
	// Exited: a run of u ended (or its start failed) by itself; wait > 0
	// means the restart policy starts it again after wait, as restart n.
	Exited func(u *Unit, res *launcher.Result, wait time.Duration, n int)
	// Ended: u will not run again unless relaunched (skipped included).
	Ended func(u *Unit)
	// Skipped: u never starts because dep never will.
	Skipped func(u *Unit, dep string)
	// Removed: u has ended after Remove and is forgotten.
	Removed func(u *Unit)
	// Stopping: u was sent its stop signal sig, and gets SIGKILL after
	// timeout unless it has ended by then.
	Stopping func(u *Unit, sig syscall.Signal, timeout time.Duration)
	// Health: u's health changed to u.Health, after u.LastCheck.
	Health func(u *Unit)
}
