package runner

import (
	"os/signal"
	"syscall"
	"testing"
	"time"
)

// A signal that arrives after WatchSignals, before the scheduler runs,
// waits for it instead of taking the default action (which, for SIGINT or
// SIGTERM, would end the launcher halfway through a start).
func TestEarlySignalsWaitForTheScheduler(t *testing.T) {
	WatchSignals()
	WatchSignals() // a second call keeps the first subscription
	early.mu.Lock()
	done := early.done
	early.mu.Unlock()
	<-done
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGWINCH); err != nil {
		t.Fatal(err)
	}
	sigs := takeSignals()
	defer signal.Stop(sigs)
	select {
	case sig := <-sigs:
		if sig != syscall.SIGWINCH {
			t.Fatalf("got %v, want SIGWINCH", sig)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the signal sent before the scheduler ran never reached it")
	}
	// The subscription went to that scheduler; the next one subscribes anew.
	again := takeSignals()
	defer signal.Stop(again)
	if again == sigs {
		t.Fatal("a second takeSignals returned the first subscription")
	}
}
