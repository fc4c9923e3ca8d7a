package watch

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/hclsandbox/sandbox/internal/exitcode"
	"github.com/hclsandbox/sandbox/launcher/relay"
	"github.com/hclsandbox/sandbox/launcher/runner"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/report"
	"github.com/hclsandbox/sandbox/launcher/supervise"
)

// wjob is one sandbox under up --watch, as the watch sees it: what
// routes file changes to it. Running it is the scheduler's.
type wjob struct {
	s      *config.Sandbox
	plan   *launcher.Plan
	digest string
	// debounce gathers a burst of changes; first is the first changed path.
	debounce *time.Timer
	first    string
	// announce prints the first start of a sandbox added by an edit.
	announce bool
}

// supervisor is up --watch: it feeds the scheduler the edits of the
// configuration and the changes of watched files; the scheduler runs the
// sandboxes (starts, restart policy, stops, signals). Everything here
// runs on the scheduler's loop.
type supervisor struct {
	r     *runner.Runner
	o     Options
	jobs  map[string]*wjob
	mux   *relay.Mux
	stout io.Writer // the sandboxes' stdout
	fs    *fsWatch
	sched *supervise.Scheduler
	// cfgFiles are the HCL and variables files, watched for reloads.
	cfgFiles map[string]bool
	// inputs are the configuration's files as the last applied load read
	// them; wrote maps each sandbox this watch started to the host paths
	// it can write. A reload that changed an input where a sandbox can
	// write is not applied (see watchtrust.go).
	inputs   inputs
	wrote    map[string][]string
	cfgDirs  map[string]bool
	cfgTimer *time.Timer
	// budget is the batch's cgroup (batch { limits } or --cgroup-parent),
	// made at the start for the whole watch; nil when there is none.
	budget *launcher.BatchCgroup
	// kept are the claims of ended runs that a relaunch renews.
	kept keptClaims
	// outs are the sandboxes' line writers, one pair a name.
	outs streams
	// now is the clock; tests may replace it.
	now func() time.Time
}

// Options are what up --watch watches and how it runs the sandboxes.
type Options struct {
	// Paths are the configuration paths as given; Names the sandboxes
	// selected on the command line.
	Paths, Names []string
	// Load are the loader's options (variables, variables files).
	Load         config.Options
	Quiet        bool   // discard the sandboxes' output
	NoPrefix     bool   // no "name | " before each line
	UpdateLock   bool   // record changed rootfs digests instead of refusing them
	CgroupParent string // the batch's cgroup, sandbox/NAME
}

// newSupervisor is a watch that starts its sandboxes through r.
func newSupervisor(r *runner.Runner, o Options) *supervisor {
	return &supervisor{r: r, o: o, jobs: map[string]*wjob{}, wrote: map[string][]string{}, now: time.Now,
		mux: relay.NewMux(nil, false, false)}
}

// Run is up --watch: load, start, then supervise until interrupted. An
// interrupt ends it with 128+N.
func Run(r *runner.Runner, o Options) error {
	sv := newSupervisor(r, o)
	cfg, in, err := sv.load()
	if err != nil {
		return err
	}
	if sv.fs, err = newFSWatch(); err != nil {
		return exitcode.Errorf(exitcode.Setup, "watch files: %v", err)
	}
	defer sv.fs.close()
	sv.stout = r.Stdout
	sv.mux = relay.NewMux(cfg.Names(), !o.NoPrefix && len(cfg.Sandboxes) > 1, false)
	sv.watchConfig(cfg) // before any sandbox starts, so that no edit is missed
	if sv.budget, err = r.Budget(cfg, nil, r.ProbeHost(), o.CgroupParent); err != nil {
		return err
	}
	defer r.CloseBudget(sv.budget, &report.Report{})
	sv.sched = supervise.New(sv.options(), nil)
	defer sv.kept.dropAll()
	if err := sv.apply(cfg); err != nil {
		return err
	}
	sv.settle(in)
	done := make(chan struct{})
	defer close(done)
	go sv.feed(done)
	runner.Schedule(sv.sched)
	if sig := sv.sched.Interrupt(); sig != 0 {
		return exitcode.Code(128 + int(sig))
	}
	return nil
}

// feed hands the file watch's changes and errors to the scheduler's loop
// until done.
func (sv *supervisor) feed(done <-chan struct{}) {
	for {
		select {
		case c, ok := <-sv.fs.changes:
			if !ok {
				return
			}
			sv.sched.Post(func() { sv.changed(c.path, c.at) })
		case err := <-sv.fs.errs:
			sv.sched.Post(func() { fmt.Fprintf(sv.r.Stderr, "sandbox: watch: %v\n", err) })
		case <-done:
			return
		}
	}
}

// status prints one status line for the named sandbox.
func (sv *supervisor) status(name, format string, args ...any) {
	sv.mux.Emit(sv.r.Stderr, sv.mux.StatusPrefix(name), fmt.Appendf(nil, format, args...))
}

// SchedulerOptions are the scheduler's options of a watch that starts
// its sandboxes through r, for tests that drive that scheduler.
func SchedulerOptions(r *runner.Runner, o Options) supervise.Options {
	return newSupervisor(r, o).options()
}

// options are how up --watch schedules: until interrupted, one start at
// a time in declaration order, with failed starts under the restart
// policy too.
func (sv *supervisor) options() supervise.Options {
	return supervise.Options{Start: sv.launch, Hooks: sv.hooks(), Persistent: true, RestartFailedStarts: true,
		Serial: true, Now: sv.now, Check: sv.r.Check}
}

// hooks print what the scheduler does, as status lines.
func (sv *supervisor) hooks() supervise.Hooks {
	return supervise.Hooks{
		Starting: func(u *supervise.Unit) { sv.noteWriter(u.Plan) },
		Started: func(u *supervise.Unit, relaunch bool, since time.Duration) {
			if relaunch {
				sv.status(u.Name(), "restarted in %s", roundMs(since))
			} else if j := sv.jobs[u.Name()]; j != nil && j.announce {
				j.announce = false
				sv.status(u.Name(), "added → started")
			}
		},
		Exited: func(u *supervise.Unit, res *launcher.Result, wait time.Duration, n int) {
			sv.kept.drop(u.Name()) // no relaunch follows at once
			if wait > 0 {
				sv.status(u.Name(), "exited with %d → restarting in %s (%d)", res.ExitCode, wait, n)
			} else {
				sv.status(u.Name(), "exited with %d", res.ExitCode)
			}
		},
		Skipped: func(u *supervise.Unit, dep string) {
			if runner.WaitsHealthy(u, dep) {
				sv.status(u.Name(), "skipped: %s", u.Skip)
			} else {
				sv.status(u.Name(), "skipped: %s failed", dep)
			}
		},
		Ended: func(u *supervise.Unit) { sv.kept.drop(u.Name()) },
		Removed: func(u *supervise.Unit) {
			sv.kept.drop(u.Name())
			sv.status(u.Name(), "removed")
		},
		Health: func(u *supervise.Unit) {
			sv.r.NoteHealth(u)
			sv.status(u.Name(), "%s", runner.HealthLine(u))
		},
	}
}

// launch starts one run of u (on a goroutine of the scheduler's); a
// failed start is reported and, like an exit, goes through the restart
// policy. The run's claim is kept at its end, for a relaunch to renew;
// the hooks release it when none follows.
func (sv *supervisor) launch(u *supervise.Unit) (supervise.Process, *launcher.Result, func()) {
	var stdio launcher.Stdio
	var outs [2]*relay.LineWriter
	if !sv.o.Quiet {
		stdio, outs = sv.outs.of(sv.mux, u.Name(), sv.stout, sv.r.Stderr)
	}
	name := u.Name()
	watched := u.Sandbox != nil && u.Sandbox.Watch != nil
	proc, res, end := sv.r.Relaunch(u.Plan, stdio, sv.kept.take(name), watched)
	release := func() {
		sv.kept.put(name, end(true))
		for _, w := range outs {
			if w != nil {
				w.Flush()
			}
		}
	}
	if proc == nil {
		release()
		return nil, res, nil
	}
	for _, w := range proc.Warnings() {
		sv.status(name, "warning: %s", w)
	}
	return proc, nil, release
}

// fire acts on a debounced change of j's watched files: a relaunch, or
// its watch signal when it runs and asks for one.
func (sv *supervisor) fire(j *wjob) {
	name := j.plan.Name
	first := j.first
	j.first = ""
	if first == "" || sv.sched.Stopping() || sv.jobs[name] != j || sv.sched.Waiting(name) {
		return
	}
	if w := j.s.Watch; w != nil && w.Action == config.WatchSignal && sv.sched.Running(name) {
		sig, err := launcher.ParseSignal(w.Signal)
		if err == nil {
			sv.status(name, "change in %s → %s", sv.rel(first), w.Signal)
			sv.sched.SignalUnit(name, sig)
			return
		}
	}
	sv.status(name, "change in %s → restarting", sv.rel(first))
	sv.sched.Relaunch(name)
}

// changed routes a changed path, seen at at, to the configuration or to
// the sandboxes that watch it, restarting each one's debounce.
func (sv *supervisor) changed(p string, at time.Time) {
	if sv.sched.Stopping() {
		return
	}
	if sv.cfgFiles[p] || sv.newConfigFile(p) {
		stopTimer(sv.cfgTimer)
		sv.cfgTimer = time.AfterFunc(quietFor(at, time.Now(), config.DefaultDebounce), func() { sv.sched.Post(sv.reloadConfig) })
		return
	}
	for _, j := range sv.jobs {
		if !watches(j.s, p) {
			continue
		}
		if j.first == "" {
			j.first = p
		}
		stopTimer(j.debounce)
		j.debounce = time.AfterFunc(quietFor(at, time.Now(), j.s.Watch.Debounce), func() { sv.sched.Post(func() { sv.fire(j) }) })
	}
}

// quietFor is how long after now a debounce of d that began at at, when
// the change was seen, has left to run: the time the change took to
// reach the scheduler's loop is not waited for twice.
func quietFor(at, now time.Time, d time.Duration) time.Duration {
	return max(d-now.Sub(at), 0)
}

// watches reports whether a change of p concerns s: p is under one of
// its watch paths, not ignored, and not written by s itself.
func watches(s *config.Sandbox, p string) bool {
	w := s.Watch
	if w == nil {
		return false
	}
	if !w.OwnWrites {
		for _, own := range s.WritablePaths() {
			if _, ok := under(own, p); ok {
				return false
			}
		}
	}
	for _, root := range w.Paths {
		if _, ok := under(root, p); !ok {
			continue
		}
		rel, ok := under(w.Dir, p)
		if !ok || rel == "." {
			return true // outside the HCL file's directory: no glob applies
		}
		info, err := os.Lstat(p)
		if !w.Ignored(filepath.ToSlash(rel), err == nil && info.IsDir()) {
			return true
		}
	}
	return false
}

// rel shows p relative to the working directory when it is under it.
func (sv *supervisor) rel(p string) string {
	if wd, err := os.Getwd(); err == nil {
		if r, ok := under(wd, p); ok {
			return r
		}
	}
	return p
}

func roundMs(d time.Duration) time.Duration {
	if d < time.Millisecond {
		return d.Round(time.Microsecond)
	}
	return d.Round(time.Millisecond)
}

func stopTimer(t *time.Timer) {
	if t != nil {
		t.Stop()
	}
}
