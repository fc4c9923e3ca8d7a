package launcher

import (
	"bytes"
	"syscall"
	"testing"
	"time"
)

// startNoted starts s with its exit watched (OnExit) and returns the
// process and a channel closed when OnExit calls back.
func startNoted(t *testing.T, script string, timeout time.Duration) (*Process, chan struct{}) {
	t.Helper()
	s := shellSandbox(t, script)
	s.Timeout = timeout
	var out bytes.Buffer
	proc, res, err := startPlan(t, NewPlan(s, probeTestHost()), Stdio{Stdout: &out, Stderr: &out})
	if err != nil || res != nil {
		t.Fatalf("Start() = %v, %+v", err, res)
	}
	exited := make(chan struct{})
	if !proc.OnExit(func() { close(exited) }) {
		proc.Wait()
		t.Skip("no pidfd here: OnExit declines, and Wait waits")
	}
	return proc, exited
}

// TestOnExit: the exit watch calls back once the sandbox has exited, not
// before, and Wait then reports its end.
func TestOnExit(t *testing.T) {
	proc, exited := startNoted(t, "sleep 0.3; exit 7", 0)
	select {
	case <-exited:
		t.Fatal("OnExit called back while the sandbox still ran")
	case <-time.After(100 * time.Millisecond):
	}
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		proc.Signal(syscall.SIGKILL)
		t.Fatal("OnExit never called back after the sandbox exited")
	}
	if res := proc.Wait(); res.ExitCode != 7 || res.TimedOut {
		t.Errorf("Wait() = exit %d, timed out %v; want 7, false", res.ExitCode, res.TimedOut)
	}
}

// TestOnExitTimeout: a watched sandbox's timeout still kills it and is
// reported as such; one that ends by itself first is not.
func TestOnExitTimeout(t *testing.T) {
	proc, exited := startNoted(t, "sleep 30", 300*time.Millisecond)
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		proc.Signal(syscall.SIGKILL)
		t.Fatal("the timeout did not end the sandbox")
	}
	if res := proc.Wait(); !res.TimedOut || res.ExitCode != ExitTimeout {
		t.Errorf("Wait() = exit %d, timed out %v; want %d, true", res.ExitCode, res.TimedOut, ExitTimeout)
	}
	proc, exited = startNoted(t, "exit 0", 30*time.Second)
	<-exited
	if res := proc.Wait(); res.TimedOut || res.ExitCode != 0 {
		t.Errorf("Wait() = exit %d, timed out %v; want 0, false", res.ExitCode, res.TimedOut)
	}
}
