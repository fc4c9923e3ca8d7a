package supervise

import (
	"os"
	"syscall"
	"testing"
	"time"
)

func TestEscalation(t *testing.T) {
	now := time.Unix(1e9, 0)
	e := &Escalation{Now: func() time.Time { return now }}
	for _, step := range []struct {
		after time.Duration
		sig   os.Signal
		want  Action
	}{
		{0, syscall.SIGHUP, Forward},
		{0, syscall.SIGINT, Stop},
		{19 * time.Millisecond, syscall.SIGTERM, Ignore}, // the same keypress, forwarded
		{20 * time.Millisecond, syscall.SIGINT, Kill},
		{time.Second, syscall.SIGTERM, Kill},
		{0, syscall.SIGUSR1, Forward},
	} {
		now = now.Add(step.after)
		if got := e.Classify(step.sig); got != step.want {
			t.Errorf("after %v, Classify(%v) = %v, want %v", step.after, step.sig, got, step.want)
		}
	}
	if e.First != syscall.SIGINT {
		t.Errorf("First = %v, want SIGINT", e.First)
	}
}

// TestEscalationPipe: the reader of the output going away stops like a
// first Ctrl-C; the SIGPIPE of each later write changes nothing, and a
// Ctrl-C after it kills.
func TestEscalationPipe(t *testing.T) {
	now := time.Unix(1e9, 0)
	e := &Escalation{Now: func() time.Time { return now }}
	for i, step := range []struct {
		sig  os.Signal
		want Action
	}{
		{syscall.SIGPIPE, Stop},
		{syscall.SIGPIPE, Ignore},
		{syscall.SIGPIPE, Ignore},
		{syscall.SIGINT, Kill},
	} {
		now = now.Add(time.Second)
		if got := e.Classify(step.sig); got != step.want {
			t.Errorf("step %d: Classify(%v) = %v, want %v", i, step.sig, got, step.want)
		}
	}
}

// TestEscalationHangUp: the SIGHUP of a terminal that went away stops
// like a first Ctrl-C, and later ones change nothing; a SIGHUP while the
// terminal is there is passed on.
func TestEscalationHangUp(t *testing.T) {
	now := time.Unix(1e9, 0)
	hungUp := false
	e := &Escalation{Now: func() time.Time { return now }, HungUp: func() bool { return hungUp }}
	for i, step := range []struct {
		gone bool
		sig  os.Signal
		want Action
	}{
		{false, syscall.SIGHUP, Forward},
		{true, syscall.SIGHUP, Stop},
		{true, syscall.SIGHUP, Ignore},
		{true, syscall.SIGTERM, Kill},
	} {
		now, hungUp = now.Add(time.Second), step.gone
		if got := e.Classify(step.sig); got != step.want {
			t.Errorf("step %d: Classify(%v), hung up %v = %v, want %v", i, step.sig, step.gone, got, step.want)
		}
	}
	if e.First != syscall.SIGHUP {
		t.Errorf("First = %v, want SIGHUP: up exits 128+1", e.First)
	}
}
