package launcher

import (
	"context"
	"errors"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// awaitExit blocks until the first process exits, without reaping it, or
// until the timeout expires, when it kills the whole sandbox and reports it.
//
// The wait is a pidfd in Go's poller, so a waiting sandbox costs a parked
// goroutine and no thread: a batch of hundreds would otherwise hold one
// thread each in waitid.
func (p *Process) awaitExit() (timedOut bool) {
	if t := p.timeout; t != nil { // OnExit's timer, not a deadline
		p.waitExit()
		t.timer.Stop()
		return t.expired.Load()
	}
	return p.waitExit()
}

// waitExit is awaitExit, with the plan's timeout as a deadline unless
// OnExit set a timer.
func (p *Process) waitExit() (timedOut bool) {
	pid := p.cmd.Process.Pid
	fd, err := unix.PidfdOpen(pid, unix.PIDFD_NONBLOCK)
	if err != nil { // a kernel before 5.10: a thread waits
		return p.awaitExitBlocking(pid)
	}
	f := os.NewFile(uintptr(fd), "pidfd")
	defer f.Close()
	if p.plan.Timeout > 0 && p.timeout == nil {
		f.SetReadDeadline(time.Now().Add(p.plan.Timeout))
	}
	if err := waitReadable(f); errors.Is(err, os.ErrDeadlineExceeded) {
		p.killAll()
		f.SetReadDeadline(time.Time{})
		waitReadable(f)
		return true
	}
	return false
}

// waitReadable waits until the process of the pidfd f has exited (its
// pidfd is readable), or until f's deadline.
func waitReadable(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	return rc.Read(func(fd uintptr) bool {
		var info unix.Siginfo
		for {
			err := unix.Waitid(unix.P_PIDFD, int(fd), &info, unix.WEXITED|unix.WNOWAIT|unix.WNOHANG, nil)
			if err != unix.EINTR {
				// Signo stays 0 while nothing has exited; any other
				// error would only repeat.
				return err != nil || info.Signo != 0
			}
		}
	})
}

// awaitExitBlocking is awaitExit where there is no pidfd: a goroutine
// blocks in waitid.
func (p *Process) awaitExitBlocking(pid int) (timedOut bool) {
	exited := make(chan struct{})
	go func() {
		var info unix.Siginfo
		for unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil) == unix.EINTR {
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
