package network

import (
	"os/exec"
	"sync"

	"golang.org/x/sys/unix"
)

// reaped holds, for the holders and pastas this process started, a
// channel closed once each is reaped, so that whoever stops them here
// returns only when they are gone, not zombies of a launcher about to
// exit (those of other launchers go to init with them).
var reaped sync.Map // pid → chan struct{}

// reapLater reaps cmd, started, whenever it ends.
func reapLater(cmd *exec.Cmd) {
	done := make(chan struct{})
	reaped.Store(cmd.Process.Pid, done)
	go func() {
		cmd.Wait()
		reaped.Delete(cmd.Process.Pid)
		close(done)
	}()
}

// awaitReaped waits until pid, killed, is reaped if this process started
// it, or else has ended (its parent, or init, reaps it), for at most a
// few seconds.
func awaitReaped(pid int) {
	if done, ok := reaped.Load(pid); ok {
		<-done.(chan struct{})
		return
	}
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return // gone already
	}
	defer unix.Close(fd)
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	for {
		if _, err := unix.Poll(fds, 5000); err != unix.EINTR {
			return
		}
	}
}
