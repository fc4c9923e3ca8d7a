package supervise

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/launcher"
)

// units makes n units named u0, u1, ...
func units(n int) []*Unit {
	us := make([]*Unit, n)
	for i := range us {
		us[i] = unit(fmt.Sprintf("u%d", i))
	}
	return us
}

// TestStartingBounded: no more StartFuncs run at once than Starting
// allows, and every unit still runs once.
func TestStartingBounded(t *testing.T) {
	var mu sync.Mutex
	now, most := 0, 0
	runs := map[string]int{}
	start := func(u *Unit) (Process, *launcher.Result, func()) {
		mu.Lock()
		now++
		most = max(most, now)
		runs[u.Name()]++
		mu.Unlock()
		time.Sleep(time.Millisecond) // a start takes time: others would pile up
		mu.Lock()
		now--
		mu.Unlock()
		return exitProc{0}, nil, nil
	}
	us := units(50)
	New(Options{Start: start, Starting: 3}, us).Run(nil)
	if most > 3 || most == 0 {
		t.Errorf("at most %d starts at once, want 1 to 3", most)
	}
	for _, u := range us {
		if !u.Succeeded() || runs[u.Name()] != 1 {
			t.Errorf("%s: %d starts, succeeded %v; want 1, true", u.Name(), runs[u.Name()], u.Succeeded())
		}
	}
}

// TestStopDropsQueuedStarts: once an interrupt stops a batch, the units
// that still wait for their turn to start never start, and end skipped.
func TestStopDropsQueuedStarts(t *testing.T) {
	sigs := make(chan os.Signal, 1)
	var mu sync.Mutex
	started := 0
	start := func(*Unit) (Process, *launcher.Result, func()) {
		mu.Lock()
		started++
		if started == 2 {
			sigs <- syscall.SIGINT // the launcher's Ctrl-C while starting
		}
		mu.Unlock()
		return signalProc{make(chan os.Signal, 1)}, nil, nil
	}
	us := units(20)
	New(Options{Start: start, Starting: 2}, us).Run(sigs)
	if started > 4 {
		t.Errorf("%d units started after the interrupt, want at most the 2 under way and the 2 before", started)
	}
	skipped := 0
	for _, u := range us {
		if u.Skip == "batch stopped" {
			skipped++
		}
	}
	if skipped != len(us)-started {
		t.Errorf("%d units skipped, want the %d that never started", skipped, len(us)-started)
	}
}

// TestRemoveQueued: a unit removed while it waits for its turn never
// starts and is forgotten at once.
func TestRemoveQueued(t *testing.T) {
	release := make(chan struct{})
	var s *Scheduler
	var mu sync.Mutex
	var names []string
	start := func(u *Unit) (Process, *launcher.Result, func()) {
		mu.Lock()
		names = append(names, u.Name())
		mu.Unlock()
		if u.Name() == "u0" {
			s.Post(func() {
				if s.Remove("u1") {
					t.Errorf("Remove(u1) = true for a queued unit, want false: no end is to come")
				}
				close(release)
			})
			<-release
		}
		return exitProc{0}, nil, nil
	}
	s = New(Options{Start: start, Starting: 1}, units(3))
	s.Run(nil)
	if len(names) != 2 || names[0] != "u0" || names[1] != "u2" {
		t.Errorf("started %v, want [u0 u2]", names)
	}
}

// notedProc is a sandbox that says when it has exited (ExitNotifier):
// exit calls back, and Wait before that is a mistake.
type notedProc struct {
	mu     sync.Mutex
	notify func()
	ended  bool
	t      *testing.T
}

func (p *notedProc) Signal(os.Signal) error { return nil }

func (p *notedProc) OnExit(f func()) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.notify = f
	return true
}

func (p *notedProc) Wait() *launcher.Result {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.ended {
		p.t.Error("Wait called before the process said it had exited")
	}
	return &launcher.Result{}
}

func (p *notedProc) exit() {
	p.mu.Lock()
	p.ended = true
	f := p.notify
	p.mu.Unlock()
	f()
}

// TestRunningUnitsParkNoGoroutine: units whose processes say when they
// exit hold no goroutine of the scheduler's while they run, and end when
// told.
func TestRunningUnitsParkNoGoroutine(t *testing.T) {
	const n = 200
	procs := make(chan *notedProc, n)
	start := func(*Unit) (Process, *launcher.Result, func()) {
		p := &notedProc{t: t}
		procs <- p
		return p, nil, nil
	}
	running := make(chan struct{}, n)
	before := runtime.NumGoroutine()
	s := New(Options{Start: start, Hooks: Hooks{Started: func(*Unit, bool, time.Duration) { running <- struct{}{} }}}, units(n))
	done := make(chan struct{})
	go func() { s.Run(nil); close(done) }()
	for range n {
		<-running
	}
	// The OnExit of the last start may still be on its way.
	var ps []*notedProc
	for range n {
		ps = append(ps, <-procs)
	}
	time.Sleep(20 * time.Millisecond)
	if got := runtime.NumGoroutine() - before; got > 10 {
		t.Errorf("%d goroutines more with %d units running, want a few, not one a unit", got, n)
	}
	for _, p := range ps {
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
			p.mu.Lock()
			ok := p.notify != nil
			p.mu.Unlock()
			if ok {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the scheduler never asked a process to say when it exits")
			}
		}
		p.exit()
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return once every unit had exited")
	}
}
