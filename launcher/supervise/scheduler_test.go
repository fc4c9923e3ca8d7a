package supervise

import (
	"os"
	"runtime"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
)

// exitProc is a sandbox whose run ends at once with code.
type exitProc struct{ code int }

func (p exitProc) Signal(os.Signal) error { return nil }
func (p exitProc) Wait() *launcher.Result { return &launcher.Result{ExitCode: p.code} }

func unit(name string, deps ...config.Dependency) *Unit {
	s := &config.Sandbox{Name: name}
	s.DependsOn = deps
	return &Unit{Sandbox: s, Plan: &launcher.Plan{Name: name}}
}

// TestDependencies: a "completed" dependency that fails skips its
// dependents; a "started" one lets them start; the order of starts
// follows the dependencies.
func TestDependencies(t *testing.T) {
	codes := map[string]int{"setup": 0, "broken": 3, "after": 0, "needsbroken": 0, "web": 0}
	var mu sync.Mutex
	var order []string
	start := func(u *Unit) (Process, *launcher.Result, func()) {
		mu.Lock()
		order = append(order, u.Name())
		mu.Unlock()
		return exitProc{codes[u.Name()]}, nil, nil
	}
	units := []*Unit{
		unit("after", config.Dependency{Targets: []string{"setup"}, Condition: config.Completed}),
		unit("needsbroken", config.Dependency{Targets: []string{"broken"}, Condition: config.Completed}),
		unit("setup"), unit("broken"),
		unit("web", config.Dependency{Targets: []string{"broken"}, Condition: config.Started}),
	}
	New(Options{Start: start}, units).Run(nil)
	if got := units[1].Skip; got != "broken did not complete" {
		t.Errorf("needsbroken: Skip = %q, want %q", got, "broken did not complete")
	}
	if !units[0].Succeeded() || !units[4].Succeeded() {
		t.Errorf("after, web: Succeeded = %v, %v, want true, true", units[0].Succeeded(), units[4].Succeeded())
	}
	if i, j := slices.Index(order, "setup"), slices.Index(order, "after"); i < 0 || j < i {
		t.Errorf("starts = %v, want setup before after", order)
	}
}

// TestRestartThenGiveUp: on-failure with max_restarts = 2 runs a failing
// command three times and reports each restart.
func TestRestartThenGiveUp(t *testing.T) {
	runs := 0
	var restarts []int
	u := unit("flaky")
	u.Sandbox.Restart = config.Restart{Policy: config.RestartOnFailure, Max: 2}
	start := func(*Unit) (Process, *launcher.Result, func()) { runs++; return exitProc{1}, nil, nil }
	New(Options{Start: start, Hooks: Hooks{Exited: func(_ *Unit, _ *launcher.Result, wait time.Duration, n int) {
		if wait > 0 {
			restarts = append(restarts, n)
		}
	}}}, []*Unit{u}).Run(nil)
	if runs != 3 || !slices.Equal(restarts, []int{1, 2}) || u.Result.ExitCode != 1 {
		t.Errorf("runs = %d, restarts = %v, exit = %d; want 3, [1 2], 1", runs, restarts, u.Result.ExitCode)
	}
}

// signalProc is a sandbox that runs until it is signalled and then ends
// killed by that signal.
type signalProc struct{ sig chan os.Signal }

func (p signalProc) Signal(s os.Signal) error {
	select {
	case p.sig <- s:
	default:
	}
	return nil
}

func (p signalProc) Wait() *launcher.Result {
	s := (<-p.sig).(syscall.Signal)
	return &launcher.Result{Signal: s, ExitCode: 128 + int(s)}
}

// TestStoppingHook: an interrupt stops each running unit with its own
// stop signal and tells the caller which, and how long until SIGKILL.
func TestStoppingHook(t *testing.T) {
	u := unit("web")
	u.Plan.StopSignal, u.Plan.StopTimeout = syscall.SIGQUIT, 3*time.Second
	type stopping struct {
		name    string
		sig     syscall.Signal
		timeout time.Duration
	}
	var got []stopping
	sigs := make(chan os.Signal, 1)
	start := func(*Unit) (Process, *launcher.Result, func()) {
		sigs <- syscall.SIGINT // the launcher's Ctrl-C, once it runs
		return signalProc{make(chan os.Signal, 1)}, nil, nil
	}
	New(Options{Start: start, Hooks: Hooks{Stopping: func(u *Unit, sig syscall.Signal, timeout time.Duration) {
		got = append(got, stopping{u.Name(), sig, timeout})
	}}}, []*Unit{u}).Run(sigs)
	if want := []stopping{{"web", syscall.SIGQUIT, 3 * time.Second}}; !slices.Equal(got, want) {
		t.Errorf("Stopping calls = %v, want %v", got, want)
	}
}

// TestFailedStartReleasedBeforeRunReturns: a start that fails frees what
// it claimed (its record) before Run returns, which may be the last thing
// the launcher does: the release of a failed start was racing the exit.
func TestFailedStartReleasedBeforeRunReturns(t *testing.T) {
	var mu sync.Mutex
	released := 0
	start := func(*Unit) (Process, *launcher.Result, func()) {
		return nil, &launcher.Result{ExitCode: 125}, func() {
			runtime.Gosched() // let the loop run ahead, as it could
			mu.Lock()
			released++
			mu.Unlock()
		}
	}
	for i := 0; i < 200; i++ {
		New(Options{Start: start}, []*Unit{unit("refused")}).Run(nil)
		mu.Lock()
		got := released
		mu.Unlock()
		if got != i+1 {
			t.Fatalf("run %d: Run returned with %d releases, want %d", i, got, i+1)
		}
	}
}
