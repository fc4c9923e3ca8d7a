package main

import (
	"io"
	"os"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/launcher/runner"
	"github.com/hclsandbox/sandbox/launcher/watch"

	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/supervise"
)

// fakeProc is a sandbox that records the signals it gets and ends when
// end is closed.
type fakeProc struct {
	mu   sync.Mutex
	sigs []os.Signal
	end  chan struct{}
}

func (p *fakeProc) Signal(s os.Signal) error {
	p.mu.Lock()
	p.sigs = append(p.sigs, s)
	p.mu.Unlock()
	return nil
}

func (p *fakeProc) Wait() *launcher.Result {
	<-p.end
	return &launcher.Result{ExitCode: 137, Signal: syscall.SIGKILL}
}

func (p *fakeProc) got() []os.Signal {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.sigs)
}

// TestSameEscalation drives run, up and up --watch, each with the
// scheduler options its command uses, through the same signals: the
// first SIGINT stops (run passes it on as it is, up and up --watch send
// the stop signal), a second within 20ms counts once, a SIGTERM after
// that kills.
func TestSameEscalation(t *testing.T) {
	r := &runner.Runner{Stdout: io.Discard, Stderr: io.Discard}
	bo := runner.NewOutput(r, nil, runner.BatchOptions{Quiet: true})
	for _, tt := range []struct {
		cmd   string
		opts  supervise.Options
		first os.Signal
	}{
		{"run", r.RunOptions(launcher.Stdio{}), syscall.SIGINT},
		{"up", bo.Options(), syscall.SIGTERM},
		{"up --watch", watch.SchedulerOptions(r, watch.Options{}), syscall.SIGTERM},
	} {
		t.Run(tt.cmd, func(t *testing.T) {
			got := escalate(t, tt.opts)
			want := []os.Signal{tt.first, syscall.SIGKILL}
			if !slices.Equal(got, want) {
				t.Errorf("%s: signals to the sandbox = %v, want %v", tt.cmd, got, want)
			}
		})
	}
}

// escalate runs one sandbox under o and sends the scheduler SIGINT,
// SIGINT 5ms later, then SIGTERM 30ms after the first; it returns what
// the sandbox received.
func escalate(t *testing.T, o supervise.Options) []os.Signal {
	t.Helper()
	p := &fakeProc{end: make(chan struct{})}
	o.Start = func(*supervise.Unit) (supervise.Process, *launcher.Result, func()) { return p, nil, nil }
	var mu sync.Mutex
	now := time.Unix(1e9, 0)
	o.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	at := func(d time.Duration) { mu.Lock(); now = time.Unix(1e9, 0).Add(d); mu.Unlock() }
	u := &supervise.Unit{Plan: &launcher.Plan{Name: "esc"}}
	s := supervise.New(o, []*supervise.Unit{u})
	done := make(chan struct{})
	go func() { s.Run(nil); close(done) }()
	on := func(f func()) {
		ok := make(chan struct{})
		s.Post(func() { f(); close(ok) })
		<-ok
	}
	for running := false; !running; {
		on(func() { running = s.Running("esc") })
	}
	for _, step := range []struct {
		at  time.Duration
		sig os.Signal
	}{{0, syscall.SIGINT}, {5 * time.Millisecond, syscall.SIGINT}, {30 * time.Millisecond, syscall.SIGTERM}} {
		at(step.at)
		on(func() { s.Signal(step.sig) })
	}
	close(p.end)
	<-done
	if s.Interrupt() != syscall.SIGINT {
		t.Errorf("Interrupt() = %v, want SIGINT", s.Interrupt())
	}
	return p.got()
}
