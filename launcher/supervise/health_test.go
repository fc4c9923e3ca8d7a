package supervise

import (
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
)

// healthyOn makes a "healthy" dependency on target.
func healthyOn(target string) config.Dependency {
	return config.Dependency{Name: target, Targets: []string{target}, Condition: config.Healthy}
}

func withHealth(u *Unit, retries int) *Unit {
	u.Plan.Health = &launcher.HealthPlan{Command: []string{"check"}, Interval: time.Millisecond, Timeout: time.Second, Retries: retries}
	return u
}

// TestHealthyDependency: a dependent of a "healthy" dependency starts
// only after a check passed, not when the dependency merely runs.
func TestHealthyDependency(t *testing.T) {
	server := withHealth(unit("server"), 5)
	job := unit("job", healthyOn("server"))
	proc := signalProc{make(chan os.Signal, 1)}
	var mu sync.Mutex
	checks, checksAtJob := 0, -1
	check := func(name string, _ *launcher.HealthPlan) Check {
		mu.Lock()
		defer mu.Unlock()
		checks++
		if checks < 3 {
			return Check{ExitCode: 1}
		}
		return Check{}
	}
	start := func(u *Unit) (Process, *launcher.Result, func()) {
		if u == server {
			return proc, nil, nil
		}
		mu.Lock()
		checksAtJob = checks
		mu.Unlock()
		proc.Signal(syscall.SIGTERM)
		return exitProc{0}, nil, nil
	}
	New(Options{Start: start, Check: check}, []*Unit{server, job}).Run(nil)
	if checksAtJob < 3 {
		t.Errorf("job started after %d checks, want after the third, the first that passed", checksAtJob)
	}
	if server.Health != HealthHealthy || !job.Succeeded() {
		t.Errorf("server health %q, job succeeded %v; want healthy, true", server.Health, job.Succeeded())
	}
}

// TestUnhealthyDependency: a dependency whose checks fail Retries times
// in a row never lets its dependent start, and the reason names it and
// its last check.
func TestUnhealthyDependency(t *testing.T) {
	server := withHealth(unit("server"), 2)
	job := unit("job", healthyOn("server"))
	proc := signalProc{make(chan os.Signal, 1)}
	var changes []string
	check := func(string, *launcher.HealthPlan) Check { return Check{ExitCode: 7, Output: "refused"} }
	start := func(u *Unit) (Process, *launcher.Result, func()) { return proc, nil, nil }
	hooks := Hooks{Health: func(u *Unit) {
		changes = append(changes, u.Health)
		proc.Signal(syscall.SIGTERM)
	}}
	New(Options{Start: start, Check: check, Hooks: hooks}, []*Unit{server, job}).Run(nil)
	want := "server is unhealthy: 2 checks in a row failed, the last exited 7: refused"
	if job.Skip != want || job.Launched() {
		t.Errorf("job: Skip = %q, launched %v; want %q, false", job.Skip, job.Launched(), want)
	}
	if len(changes) != 1 || changes[0] != HealthUnhealthy {
		t.Errorf("Health hook calls = %q, want [unhealthy]", changes)
	}
}

// TestDependencyEndsBeforeHealthy: a dependency that exits before a
// check passed skips its dependent.
func TestDependencyEndsBeforeHealthy(t *testing.T) {
	server := withHealth(unit("server"), 3)
	server.Plan.Health.Interval = time.Hour
	job := unit("job", healthyOn("server"))
	check := func(string, *launcher.HealthPlan) Check { return Check{} }
	start := func(u *Unit) (Process, *launcher.Result, func()) { return exitProc{3}, nil, nil }
	New(Options{Start: start, Check: check}, []*Unit{server, job}).Run(nil)
	if want := "server ended before it was healthy (exit code 3)"; job.Skip != want {
		t.Errorf("job: Skip = %q, want %q", job.Skip, want)
	}
}

// TestStartPeriod: failures within the start period do not count until
// a check passed; after that, each counts.
func TestStartPeriod(t *testing.T) {
	u := withHealth(unit("server"), 1)
	u.Plan.Health.StartPeriod = time.Hour
	s := New(Options{}, []*Unit{u})
	u.state, u.Health, u.ranAt = running, HealthStarting, time.Now()
	s.checked(u, Check{ExitCode: 1})
	s.checked(u, Check{ExitCode: 1})
	if u.Health != HealthStarting {
		t.Fatalf("after failures in the start period: %q, want starting", u.Health)
	}
	s.checked(u, Check{})
	if u.Health != HealthHealthy {
		t.Fatalf("after a pass: %q, want healthy", u.Health)
	}
	s.checked(u, Check{Timeout: time.Second})
	if u.Health != HealthUnhealthy {
		t.Fatalf("after a timeout once healthy, retries 1: %q, want unhealthy", u.Health)
	}
}

// TestStoppedUnitKeepsHealth: a check that fails while the scheduler
// stops the unit says nothing about its health.
func TestStoppedUnitKeepsHealth(t *testing.T) {
	u := withHealth(unit("server"), 1)
	s := New(Options{}, []*Unit{u})
	u.state, u.Health, u.Stopped = running, HealthHealthy, true
	s.checked(u, Check{Err: "the sandbox ended before the command"})
	if u.Health != HealthHealthy {
		t.Errorf("health of a stopping unit = %q, want healthy kept", u.Health)
	}
}

// TestEndedBeforeHealthyNamesLastCheck: the reason of a dependency that
// ended before it was healthy gives its exit code and its last check.
func TestEndedBeforeHealthyNamesLastCheck(t *testing.T) {
	du := withHealth(unit("server"), 3)
	du.state, du.Health = done, HealthStarting
	du.Result, du.LastCheck = &launcher.Result{ExitCode: 1}, Check{ExitCode: 2, Output: "refused"}
	met, why := healthReadiness(du, "server")
	if want := "server ended before it was healthy (exit code 1; last check exited 2: refused)"; met || why != want {
		t.Errorf("healthReadiness = %v, %q; want false, %q", met, why, want)
	}
}

// endsProc is a sandbox that runs until end is closed.
type endsProc struct{ end chan struct{} }

func (p endsProc) Signal(os.Signal) error { return nil }
func (p endsProc) Wait() *launcher.Result { <-p.end; return &launcher.Result{} }

// TestCheckThatEndsTheRunCounts: a check that passes, and by passing
// ends the sandbox (the payload waits for what the check does), is
// reported although the end reaches the loop first: Run waits for the
// checker, and the run shows healthy, not starting.
func TestCheckThatEndsTheRunCounts(t *testing.T) {
	for i := 0; i < 20; i++ {
		u := withHealth(unit("hsum"), 1)
		p := endsProc{make(chan struct{})}
		start := func(*Unit) (Process, *launcher.Result, func()) { return p, nil, nil }
		check := func(string, *launcher.HealthPlan) Check {
			close(p.end)
			time.Sleep(20 * time.Millisecond) // the end is handled first
			return Check{}
		}
		New(Options{Start: start, Check: check}, []*Unit{u}).Run(nil)
		if u.Health != HealthHealthy {
			t.Fatalf("run %d: health = %q, want healthy: the check passed before the run ended", i, u.Health)
		}
	}
}
