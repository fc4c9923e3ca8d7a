package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
)

// wjob is one sandbox under up --watch. The supervisor's loop owns it.
type wjob struct {
	s       *config.Sandbox
	plan    *launcher.Plan
	digest  string
	proc    *launcher.Process
	gen     int // counts launches, so that a late exit of an old run is known
	outs    [2]*lineWriter
	release func()
	began   time.Time
	// relaunch is set while a stop that is followed by a start is under way;
	// removed while a stop that is not.
	relaunch, removed bool
	stopAt            time.Time // when the relaunch was decided
	kill              *time.Timer
	// debounce gathers a burst of changes; first is the first changed path.
	debounce *time.Timer
	first    string
	// restarts counts restarts in a row under the restart policy; backoff
	// waits before the next one.
	restarts int
	backoff  *time.Timer
	// waiting is set until the sandbox's dependencies allow its first
	// start; announce prints that start (a sandbox added by an edit).
	waiting, announce bool
	// started is set once a run started, succeeded once one exited 0,
	// failed once one failed with no restart left: what depends_on's
	// "started" and "completed" wait for.
	started, succeeded, failed bool
}

// wexit is the end of one run of a job.
type wexit struct {
	j   *wjob
	gen int
	res *launcher.Result
}

// supervisor runs sandboxes until interrupted, relaunching them when
// their watched files or the configuration change, and restarting them
// under their restart policy.
type supervisor struct {
	e     *env
	o     *upOptions
	paths []string // the configuration paths as given
	names []string // the sandboxes selected on the command line
	jobs  map[string]*wjob
	order []string // job names in declaration order
	mux   *outputMux
	stout io.Writer // the sandboxes' stdout
	fs    *fsWatch
	// cfgFiles are the HCL and variables files, watched for reloads.
	cfgFiles map[string]bool
	// inputs are the configuration's files as the last applied load read
	// them; wrote maps each sandbox this watch started to the host paths
	// it can write. A reload that changed an input where a sandbox can
	// write is not applied (see watchtrust.go).
	inputs    inputs
	wrote     map[string][]string
	cfgDirs   map[string]bool
	cfgTimer  *time.Timer
	exits     chan wexit
	fired     chan *wjob // a job's debounce or backoff expired
	reload    chan struct{}
	stopping  bool
	interrupt syscall.Signal
	// budget is the batch's cgroup (batch { limits } or --cgroup-parent),
	// made at the start for the whole watch; nil when there is none.
	budget *launcher.BatchCgroup
	// now is the clock; tests may replace it.
	now func() time.Time
}

// upWatch is up --watch: load, start, then supervise until interrupted.
func (e *env) upWatch(args []string, o *upOptions) error {
	if err := checkWatchFlags(e, o); err != nil {
		return err
	}
	paths, names := splitArgs(args)
	sv := &supervisor{e: e, o: o, paths: paths, names: names, jobs: map[string]*wjob{}, wrote: map[string][]string{},
		exits: make(chan wexit, 16), fired: make(chan *wjob, 16), reload: make(chan struct{}, 1), now: time.Now}
	cfg, in, err := sv.load()
	if err != nil {
		return err
	}
	if sv.fs, err = newFSWatch(); err != nil {
		return exitf(exitSetup, "watch files: %v", err)
	}
	defer sv.fs.close()
	sv.stout = e.stdout
	sv.mux = newOutputMux(cfg.Names(), !o.noPrefix && len(cfg.Sandboxes) > 1, false)
	sv.watchConfig(cfg) // before any sandbox starts, so that no edit is missed
	if sv.budget, err = e.batchBudget(cfg, nil, e.probeHost(), o); err != nil {
		return err
	}
	defer e.closeBudget(sv.budget, &report{})
	if err := sv.apply(cfg); err != nil {
		return err
	}
	sv.settle(in)
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, forwarded...)
	defer signal.Stop(sigs)
	sv.run(sigs)
	if sv.interrupt != 0 {
		return exitCode(128 + int(sv.interrupt))
	}
	return nil
}

// checkWatchFlags refuses the flags of up that are about a batch that
// ends, which a watch never does by itself.
func checkWatchFlags(e *env, o *upOptions) error {
	var bad []string
	for _, f := range []struct {
		set  bool
		name string
	}{{e.detached, "-d"}, {o.json, "--json"}, {o.junit != "", "--junit"}, {o.exitCodeFrom != "", "--exit-code-from"},
		{o.failFast, "--fail-fast"}, {o.parallel > 0, "--parallel"}} {
		if f.set {
			bad = append(bad, f.name)
		}
	}
	if len(bad) > 0 {
		return exitf(exitUsage, "--watch runs in the foreground until Ctrl-C and does not combine with %s", strings.Join(bad, ", "))
	}
	return nil
}

// status prints one status line for the named sandbox.
func (sv *supervisor) status(name, format string, args ...any) {
	sv.mux.emit(sv.e.stderr, sv.mux.statusPrefix(name), fmt.Appendf(nil, format, args...))
}

// statusPrefix is "name | " aligned like the output's prefixes, and
// written even when the output goes unprefixed: a status line must say
// whom it is about.
func (m *outputMux) statusPrefix(name string) []byte {
	return []byte(name + strings.Repeat(" ", max(0, m.width-len(name))) + " | ")
}

// run is the supervisor's loop; it returns once it was interrupted and
// every sandbox has ended.
func (sv *supervisor) run(signals <-chan os.Signal) {
	for !sv.stopping || sv.running() > 0 {
		select {
		case ex := <-sv.exits:
			sv.exited(ex)
		case p := <-sv.fs.changes:
			sv.changed(p)
		case j := <-sv.fired:
			sv.fire(j)
		case <-sv.reload:
			sv.reloadConfig()
		case err := <-sv.fs.errs:
			fmt.Fprintf(sv.e.stderr, "sandbox: watch: %v\n", err)
		case sig := <-signals:
			sv.signal(sig.(syscall.Signal))
		}
		sv.startReady()
	}
}

func (sv *supervisor) running() int {
	n := 0
	for _, j := range sv.jobs {
		if j.proc != nil {
			n++
		}
	}
	return n
}

// signal stops every sandbox on the first SIGINT or SIGTERM and kills
// them on the second; other signals are passed on.
func (sv *supervisor) signal(sig syscall.Signal) {
	if sig != syscall.SIGINT && sig != syscall.SIGTERM {
		sv.each(func(j *wjob) { j.proc.Signal(sig) })
		return
	}
	if sv.stopping {
		sv.each(func(j *wjob) { j.proc.Signal(syscall.SIGKILL) })
		return
	}
	sv.stopping, sv.interrupt = true, sig
	for _, j := range sv.jobs {
		stopTimer(j.debounce)
		stopTimer(j.backoff)
		j.relaunch = false
		sv.stopJob(j)
	}
}

func (sv *supervisor) each(f func(*wjob)) {
	for _, j := range sv.jobs {
		if j.proc != nil {
			f(j)
		}
	}
}

func stopTimer(t *time.Timer) {
	if t != nil {
		t.Stop()
	}
}

// launch starts one run of j; a failed start is reported and, like an
// exit, goes through the restart policy.
func (sv *supervisor) launch(j *wjob) {
	j.gen++
	gen := j.gen
	var stdio launcher.Stdio
	if !sv.o.quiet {
		stdio, j.outs = sv.mux.stdio(j.plan.Name, sv.stout, sv.e.stderr)
	}
	sv.noteWriter(j.plan)
	proc, res, release := sv.e.start(j.plan, stdio)
	j.began = sv.now()
	if proc == nil {
		release()
		go func() { sv.exits <- wexit{j: j, gen: gen, res: res} }()
		return
	}
	for _, w := range proc.Warnings() {
		sv.status(j.plan.Name, "warning: %s", w)
	}
	j.proc, j.release, j.started = proc, release, true
	go func() {
		res := proc.Wait()
		release()
		sv.exits <- wexit{j: j, gen: gen, res: res}
	}()
}

// stopJob asks j to stop with its stop signal, then SIGKILL after its
// stop timeout.
func (sv *supervisor) stopJob(j *wjob) {
	if j.proc == nil || j.kill != nil {
		return
	}
	sig, timeout := j.plan.Stop()
	proc := j.proc
	proc.Signal(sig)
	j.kill = time.AfterFunc(timeout, func() { proc.Signal(syscall.SIGKILL) })
}

// exited handles the end of a run: a relaunch starts it again, a removed
// sandbox is forgotten, otherwise the restart policy decides.
func (sv *supervisor) exited(ex wexit) {
	j := ex.j
	if ex.gen != j.gen {
		return
	}
	for _, w := range j.outs {
		if w != nil {
			w.Flush()
		}
	}
	stopTimer(j.kill)
	j.kill, j.proc = nil, nil
	switch {
	case sv.stopping:
	case j.removed:
		delete(sv.jobs, j.plan.Name)
		sv.status(j.plan.Name, "removed")
	case j.relaunch:
		j.relaunch, j.restarts = false, 0
		sv.launch(j)
		if j.proc != nil {
			sv.status(j.plan.Name, "restarted in %s", roundMs(sv.now().Sub(j.stopAt)))
		}
	default:
		sv.policy(j, ex.res)
	}
}

// policy applies j's restart policy to a run that ended by itself.
func (sv *supervisor) policy(j *wjob, res *launcher.Result) {
	code := res.ExitCode
	if code == 0 {
		j.succeeded = true
	}
	if sv.now().Sub(j.began) >= config.RestartHealthy {
		j.restarts = 0
	}
	if !j.s.Restart.ShouldRestart(code, j.restarts) {
		sv.status(j.plan.Name, "exited with %d", code)
		j.failed = code != 0
		return
	}
	j.restarts++
	wait := config.Backoff(j.restarts)
	sv.status(j.plan.Name, "exited with %d → restarting in %s (%d)", code, wait, j.restarts)
	j.backoff = time.AfterFunc(wait, func() { sv.fired <- j })
}

// fire acts on an expired timer of j: a debounced change relaunches it,
// an expired backoff starts it again.
func (sv *supervisor) fire(j *wjob) {
	if sv.stopping || j.removed || j.waiting || sv.jobs[j.plan.Name] != j {
		j.first = ""
		return
	}
	if j.first == "" {
		if j.proc == nil && !j.relaunch {
			sv.launch(j)
		}
		return
	}
	first := j.first
	j.first = ""
	if j.s.Watch != nil && j.s.Watch.Action == config.WatchSignal {
		if j.proc != nil {
			sv.status(j.plan.Name, "change in %s → %s", sv.rel(first), j.s.Watch.Signal)
			j.proc.Signal(signalByName(j.s.Watch.Signal))
			return
		}
	}
	sv.status(j.plan.Name, "change in %s → restarting", sv.rel(first))
	sv.restart(j)
}

// restart stops j, if it runs, and starts it again once it has ended.
func (sv *supervisor) restart(j *wjob) {
	stopTimer(j.backoff)
	j.stopAt = sv.now()
	if j.proc == nil {
		sv.launch(j)
		if j.proc != nil {
			sv.status(j.plan.Name, "restarted in %s", roundMs(sv.now().Sub(j.stopAt)))
		}
		return
	}
	j.relaunch = true
	sv.stopJob(j)
}

// changed routes a changed path to the configuration or to the sandboxes
// that watch it, restarting each one's debounce.
func (sv *supervisor) changed(p string) {
	if sv.stopping {
		return
	}
	if sv.cfgFiles[p] || sv.newConfigFile(p) {
		stopTimer(sv.cfgTimer)
		sv.cfgTimer = time.AfterFunc(config.DefaultDebounce, func() {
			select {
			case sv.reload <- struct{}{}:
			default:
			}
		})
		return
	}
	for _, name := range sv.order {
		j := sv.jobs[name]
		if j == nil || j.removed || !watches(j.s, p) {
			continue
		}
		if j.first == "" {
			j.first = p
		}
		stopTimer(j.debounce)
		j.debounce = time.AfterFunc(j.s.Watch.Debounce, func() { sv.fired <- j })
	}
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

func signalByName(name string) syscall.Signal {
	for i := syscall.Signal(1); i < 32; i++ {
		if launcher.SignalName(i) == name {
			return i
		}
	}
	return syscall.SIGHUP
}
