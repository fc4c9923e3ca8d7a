package main

import (
	"os"
	"syscall"
	"time"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
)

// jobState is where a job of a batch is.
type jobState int

const (
	jobWaiting  jobState = iota // for its dependencies or a free slot
	jobStarting                 // launcher.Start is running
	jobRunning                  // its command runs
	jobDone                     // ended, failed to start, or skipped
)

// job is one sandbox of a batch.
type job struct {
	plan  *launcher.Plan
	deps  []jobDep
	state jobState
	ran   bool // its command was executed
	proc  *launcher.Process
	res   *launcher.Result
	err   error  // the launcher itself failed
	skip  string // why it never started
	// stopped is set when the batch stopped it (interrupt, --fail-fast):
	// its end is not a failure of its own.
	stopped bool
	kill    *time.Timer
	began   time.Time
	// outs are its stdout and stderr line writers, flushed when it ends.
	outs [2]*lineWriter
	// release frees its name once it has ended; set by launch.
	release func()
	// restart is its restart policy; restarts counts restarts in a row and
	// retry is the pending backoff (see batchrestart.go).
	restart  config.Restart
	restarts int
	retry    *time.Timer
}

// jobDep is a dependency on another job of the batch.
type jobDep struct {
	j         *job
	completed bool // wait until it exited 0, not only until it runs
}

// succeeded reports whether the job ran and exited 0.
func (j *job) succeeded() bool { return j.ran && j.res != nil && j.res.ExitCode == 0 }

// event is what a job's goroutine reports to the batch.
type event struct {
	j        *job
	finished bool // false: launcher.Start returned
	proc     *launcher.Process
	res      *launcher.Result
	err      error
	again    bool // a restart's backoff expired
}

// batch runs jobs concurrently under one supervisor: a single loop owns all
// job state; each started job reports through events.
type batch struct {
	jobs     []*job
	parallel int // at most this many starting or running; 0: no limit
	failFast bool
	launch   func(j *job) (*launcher.Process, *launcher.Result, error)
	ended    func(j *job) // after a job's output is complete
	note     func(j *job, format string, args ...any)
	events   chan event
	active   int
	stopping bool
	// interrupt is the first SIGINT or SIGTERM that stopped the batch.
	interrupt syscall.Signal
	// killing is set by a second interrupt: kill at once, even those
	// still starting.
	killing bool
}

// newJobs makes a job per plan, linking each dependency to its job.
func newJobs(sbs []*config.Sandbox, plans []*launcher.Plan) []*job {
	jobs := make([]*job, len(plans))
	byName := map[string]*job{}
	for i, p := range plans {
		jobs[i] = &job{plan: p, restart: sbs[i].Restart}
		byName[p.Name] = jobs[i]
	}
	for i, s := range sbs {
		for _, d := range s.DependsOn {
			for _, t := range d.Targets {
				if dj := byName[t]; dj != nil {
					jobs[i].deps = append(jobs[i].deps, jobDep{j: dj, completed: d.Condition == config.Completed})
				}
			}
		}
	}
	return jobs
}

// run starts jobs as their dependencies allow and waits until every job is
// done, acting on the signals that arrive meanwhile.
func (b *batch) run(signals <-chan os.Signal) {
	b.events = make(chan event, 2*len(b.jobs))
	for {
		b.schedule()
		if b.active == 0 && b.allDone() {
			return
		}
		select {
		case ev := <-b.events:
			b.handle(ev)
		case sig := <-signals:
			b.signal(sig.(syscall.Signal))
		}
	}
}

func (b *batch) allDone() bool {
	for _, j := range b.jobs {
		if j.state != jobDone {
			return false
		}
	}
	return true
}

// schedule skips the waiting jobs that can no longer run and starts the
// ready ones in declaration order while slots are free, until nothing
// changes.
func (b *batch) schedule() {
	for changed := true; changed; {
		changed = false
		for _, j := range b.jobs {
			if j.state != jobWaiting {
				continue
			}
			ready, why := b.readiness(j)
			switch {
			case why != "":
				j.state, j.skip, changed = jobDone, why, true
				b.ended(j)
			case ready && (b.parallel <= 0 || b.active < b.parallel):
				b.start(j)
				changed = true
			}
		}
	}
}

// readiness says whether j can start now, or why it never will.
func (b *batch) readiness(j *job) (ready bool, skip string) {
	if b.stopping {
		return false, "batch stopped"
	}
	ready = true
	for _, d := range j.deps {
		dj := d.j
		switch {
		case d.completed && dj.state == jobDone && !dj.succeeded():
			return false, dj.plan.Name + " did not complete"
		case !d.completed && dj.state == jobDone && !dj.ran:
			return false, dj.plan.Name + " did not start"
		case d.completed && dj.state != jobDone, !d.completed && !dj.ran:
			ready = false
		}
	}
	return ready, ""
}

// start launches j in a goroutine that reports its start and its end.
func (b *batch) start(j *job) {
	j.state = jobStarting
	j.began = time.Now()
	b.active++
	go func() {
		proc, res, err := b.launch(j)
		b.events <- event{j: j, proc: proc, res: res, err: err}
		if proc != nil {
			res = proc.Wait()
		}
		if j.release != nil {
			j.release()
		}
		if proc != nil {
			b.events <- event{j: j, finished: true, res: res}
		}
	}()
}

// handle records a job's start or end.
func (b *batch) handle(ev event) {
	j := ev.j
	if ev.again {
		b.again(j)
		return
	}
	if !ev.finished && ev.proc != nil {
		j.state, j.ran, j.proc = jobRunning, true, ev.proc
		if b.stopping {
			b.stopJob(j)
		}
		if b.killing {
			j.proc.Signal(syscall.SIGKILL)
		}
		return
	}
	j.state, j.res, j.err = jobDone, ev.res, ev.err
	j.proc = nil
	if j.kill != nil {
		j.kill.Stop()
	}
	b.active--
	if b.retry(j) {
		return
	}
	b.ended(j)
	if b.failFast && !j.stopped && !j.succeeded() {
		b.stop()
	}
}

// signal acts on a signal to the supervisor: the first SIGINT or SIGTERM
// stops the batch, a second one kills every sandbox at once; other
// signals are passed on to every running sandbox.
func (b *batch) signal(sig syscall.Signal) {
	if sig != syscall.SIGINT && sig != syscall.SIGTERM {
		b.each(func(j *job) { j.proc.Signal(sig) })
		return
	}
	if b.interrupt != 0 {
		b.killing = true
		b.each(func(j *job) { j.proc.Signal(syscall.SIGKILL) })
		return
	}
	b.interrupt = sig
	b.stop()
}

// stop starts no more jobs and asks every running one to stop.
func (b *batch) stop() {
	b.stopping = true
	b.each(b.stopJob)
	b.cancelRetries()
}

// stopJob sends j its stop signal and SIGKILL after its stop timeout.
func (b *batch) stopJob(j *job) {
	if j.stopped {
		return
	}
	j.stopped = true
	sig, timeout := j.plan.Stop()
	proc := j.proc
	proc.Signal(sig)
	j.kill = time.AfterFunc(timeout, func() { proc.Signal(syscall.SIGKILL) })
}

// each calls f for every running job.
func (b *batch) each(f func(*job)) {
	for _, j := range b.jobs {
		if j.state == jobRunning {
			f(j)
		}
	}
}
