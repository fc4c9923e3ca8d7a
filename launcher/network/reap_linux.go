package network

import (
	"os/exec"
	"sync"
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

// awaitReaped waits until pid, if this process started it, is reaped.
func awaitReaped(pid int) {
	if done, ok := reaped.Load(pid); ok {
		<-done.(chan struct{})
	}
}
