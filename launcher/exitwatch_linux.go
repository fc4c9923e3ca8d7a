package launcher

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// exitWatch is one goroutine, on a thread of its own, that waits in
// epoll_wait(2) for the exits of every sandbox whose supervisor asked to
// be told (Process.OnExit) rather than to wait. A batch of 500 would
// otherwise park 500 goroutines in Wait, 4 KB of stack each.
var exitWatch struct {
	once sync.Once
	epfd int
	err  error
	mu   sync.Mutex
	// notes are what to call on each exit waited for, by the process's
	// pidfd, which epoll hands back; the watch closes it once called.
	notes map[int32]func()
}

// OnExit calls f, on a goroutine that must not block, once the sandbox's
// first process has exited, or, with a timeout, once the timeout has
// killed the sandbox and it has exited; Wait then returns without
// waiting. It reports false, and does nothing, where there is no pidfd
// (a kernel before 5.10): the caller waits in Wait, as it would without.
func (p *Process) OnExit(f func()) bool {
	exitWatch.once.Do(startExitWatch)
	if exitWatch.err != nil {
		return false
	}
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
	exitWatch.mu.Lock()
	exitWatch.notes[int32(fd)] = f
	exitWatch.mu.Unlock()
	ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLONESHOT, Fd: int32(fd)}
	if err := unix.EpollCtl(exitWatch.epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		exitWatch.mu.Lock()
		delete(exitWatch.notes, int32(fd))
		exitWatch.mu.Unlock()
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

func startExitWatch() {
	fd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		exitWatch.err = fmt.Errorf("create the epoll instance that waits for exits: %w", err)
		return
	}
	exitWatch.epfd = fd
	exitWatch.notes = map[int32]func(){}
	go watchExits(fd)
}

// watchExits calls the note of each process that exits, forever.
func watchExits(epfd int) {
	events := make([]unix.EpollEvent, 64)
	for {
		n, err := unix.EpollWait(epfd, events, -1)
		if err != nil { // EINTR; nothing else can fail on a valid epfd
			continue
		}
		for _, ev := range events[:n] {
			exitWatch.mu.Lock()
			f, ok := exitWatch.notes[ev.Fd]
			delete(exitWatch.notes, ev.Fd)
			exitWatch.mu.Unlock()
			if !ok {
				continue
			}
			unix.EpollCtl(epfd, unix.EPOLL_CTL_DEL, int(ev.Fd), nil)
			unix.Close(int(ev.Fd))
			f()
		}
	}
}
