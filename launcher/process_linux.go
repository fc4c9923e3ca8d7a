package launcher

import (
	"context"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// awaitExit blocks until the first process exits, without reaping it, or
// until the timeout expires, when it kills the whole sandbox and reports it.
func (p *Process) awaitExit() (timedOut bool) {
	exited := make(chan struct{})
	go func() {
		var info unix.Siginfo
		for unix.Waitid(unix.P_PID, p.cmd.Process.Pid, &info, unix.WEXITED|unix.WNOWAIT, nil) == unix.EINTR {
		}
		close(exited)
	}()
	if p.plan.Timeout <= 0 {
		<-exited
		return false
	}
	t := time.NewTimer(p.plan.Timeout)
	defer t.Stop()
	select {
	case <-exited:
		return false
	case <-t.C:
		p.killAll()
		<-exited
		return true
	}
}

// killAll kills every process of the sandbox: through its cgroup, which
// also reaches daemons that left the session and the process tree, or
// without one the first process (a pid namespace takes the rest with it).
func (p *Process) killAll() {
	if p.cgroup != nil && p.cgroup.Kill(context.Background()) == nil {
		return
	}
	p.cmd.Process.Kill()
}

// finish records the timeout, reads the cgroup's figures and removes it,
// to the end: no context stops a cleanup halfway.
func (p *Process) finish(r *Result, timedOut bool) {
	if timedOut {
		r.TimedOut = true
		r.ExitCode = ExitTimeout
	}
	if p.cgroup == nil {
		return
	}
	st := p.cgroup.Stats()
	r.Usage = &Usage{PeakMemory: st.PeakMemory, CPUTime: st.CPUTime, WallTime: r.Duration, OOMKills: st.OOMKills}
	r.OOMKilled = !timedOut && r.Signal == syscall.SIGKILL && st.OOMKills > 0
	if err := p.cgroup.Remove(context.Background()); err != nil {
		r.Warnings = append(r.Warnings, err.Error())
	}
}

// Warnings are the limits that were not enforced (limits { strict = false }).
func (p *Process) Warnings() []string { return p.warnings }
