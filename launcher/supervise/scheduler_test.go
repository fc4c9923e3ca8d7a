package supervise

import (
	"os"
	"slices"
	"sync"
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
