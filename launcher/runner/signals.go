package runner

import (
	"os"
	"os/signal"
	"sync"

	"github.com/hclsandbox/sandbox/launcher/supervise"
)

// Subscribing to a signal is a round trip with the Go runtime's signal
// thread, which the first subscription starts: for the launcher's eight
// signals, about a millisecond of every `sandbox run`. A command that will
// run sandboxes subscribes in the background as it begins (WatchSignals),
// while it loads its configuration, and Schedule takes the subscription.
// A signal that arrives in between waits in the channel, and the
// scheduler acts on it first: an interrupt then stops the batch before
// anything starts, as it would a moment later.
var early struct {
	mu   sync.Mutex
	done chan struct{} // closed once sigs is subscribed
	sigs chan os.Signal
}

// WatchSignals subscribes to the launcher's signals (supervise.Forwarded)
// in the background, for the next Schedule of this process.
func WatchSignals() {
	early.mu.Lock()
	defer early.mu.Unlock()
	if early.done != nil {
		return
	}
	done, sigs := make(chan struct{}), make(chan os.Signal, 8)
	early.done, early.sigs = done, sigs
	go func() {
		signal.Notify(sigs, supervise.Forwarded...)
		close(done)
	}()
}

// takeSignals returns the subscription WatchSignals began, once it is in
// place, or a new one.
func takeSignals() chan os.Signal {
	early.mu.Lock()
	done, sigs := early.done, early.sigs
	early.done, early.sigs = nil, nil
	early.mu.Unlock()
	if done == nil {
		sigs = make(chan os.Signal, 8)
		signal.Notify(sigs, supervise.Forwarded...)
		return sigs
	}
	<-done
	return sigs
}
