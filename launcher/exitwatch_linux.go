package launcher

import (
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// OnExit calls f, on a goroutine that must not block, once the sandbox's
// first process has exited, or, with a timeout, once the timeout has
// killed the sandbox and it has exited; Wait then returns without
// waiting. It reports false, and does nothing, where there is no pidfd
// (a kernel before 5.10): the caller waits in Wait, as it would without.
func (p *Process) OnExit(f func()) bool {
	fd, err := unix.PidfdOpen(p.cmd.Process.Pid, 0)
	if err != nil {
		return false
	}
	if p.plan.Timeout > 0 {
		p.timeout = &sandboxTimeout{}
		t := p.timeout
		pid := p.cmd.Process.Pid
		t.timer = time.AfterFunc(p.plan.Timeout, func() {
			if !hasExited(pid) { // not one that ended by itself just now
				t.expired.Store(true)
				p.killAll()
			}
		})
	}
	_, err = watchFD(fd, unix.EPOLLIN|unix.EPOLLONESHOT, func(key uint64) {
		unwatchFD(fd, key)
		unix.Close(fd)
		f()
	})
	if err != nil {
		unix.Close(fd)
		if p.timeout != nil {
			p.timeout.timer.Stop()
			p.timeout = nil
		}
		return false
	}
	return true
}

// sandboxTimeout is the timer of a sandbox whose exit is watched
// (OnExit), and whether it expired.
type sandboxTimeout struct {
	timer   *time.Timer
	expired atomic.Bool
}

// hasExited reports whether the child pid has exited, without reaping it.
func hasExited(pid int) bool {
	var info unix.Siginfo
	err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT|unix.WNOHANG, nil)
	return err == nil && info.Signo != 0
}
