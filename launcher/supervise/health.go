package supervise

import (
	"fmt"
	"strings"
	"time"

	"github.com/hclsandbox/sandbox/launcher"
)

// Health states of a unit whose plan has a health check, as docker
// names them; "" for a unit without one or that never ran.
const (
	HealthStarting  = "starting"
	HealthHealthy   = "healthy"
	HealthUnhealthy = "unhealthy"
)

// Check is how one health check went.
type Check struct {
	// ExitCode is the check's exit code, or 128+N for signal N.
	ExitCode int
	// Output is the end of what the check wrote, on one line.
	Output string
	// Timeout is set when the check ran longer than its timeout and was
	// killed.
	Timeout time.Duration
	// Err says why the check did not run; then ExitCode means nothing.
	Err string
}

// Passed reports whether the check ran and exited 0 in time.
func (c Check) Passed() bool { return c.Err == "" && c.Timeout == 0 && c.ExitCode == 0 }

// String describes the check in a few words: "exited 1: connection
// refused", "timed out after 1s", "did not run: ...".
func (c Check) String() string {
	var s string
	switch {
	case c.Err != "":
		return "did not run: " + c.Err
	case c.Timeout > 0:
		s = fmt.Sprintf("timed out after %s", c.Timeout)
	default:
		s = fmt.Sprintf("exited %d", c.ExitCode)
	}
	if c.Output != "" {
		s += ": " + c.Output
	}
	return s
}

// CheckFunc runs one health check h in the running sandbox name and
// returns how it went, within h.Timeout.
type CheckFunc func(name string, h *launcher.HealthPlan) Check

// watchHealth runs u's health check every interval while its run lasts,
// reporting each result to the loop.
func (s *Scheduler) watchHealth(u *Unit) {
	h := u.Plan.Health
	u.Health, u.LastCheck, u.failures, u.ranAt = HealthStarting, Check{}, 0, s.o.Now()
	if h == nil || s.o.Check == nil {
		u.Health = ""
		return
	}
	stop := make(chan struct{})
	u.healthStop = stop
	name, gen := u.Name(), u.gen
	s.checking++
	go func() {
		// The loop waits for this goroutine's end (finished), so that a
		// check under way when the run ends is still reported.
		defer func() { s.events <- event{u: u, gen: gen, kind: evHealthGone} }()
		t := time.NewTimer(h.Interval)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			s.events <- event{u: u, gen: gen, kind: evHealth, check: s.o.Check(name, h)}
			t.Reset(h.Interval)
		}
	}()
}

// stopHealth ends the checks of u's run.
func (s *Scheduler) stopHealth(u *Unit) {
	if u.healthStop != nil {
		close(u.healthStop)
		u.healthStop = nil
	}
}

// checked records one check of u: a pass makes it healthy; Retries
// failures in a row make it unhealthy, except those in the start period
// before it was first healthy.
func (s *Scheduler) checked(u *Unit, c Check) {
	if u.Plan.Health == nil {
		return
	}
	if u.state != running || u.Stopped {
		// A check that raced the end of its run, or a stop: one that
		// passed still says the run was healthy (the check may be what
		// ended it), a failure says nothing of a sandbox going away.
		if c.Passed() && u.Health == HealthStarting {
			u.Health, u.LastCheck = HealthHealthy, c
		}
		return
	}
	h := u.Plan.Health
	u.LastCheck = c
	prev := u.Health
	grace := u.Health == HealthStarting && s.o.Now().Sub(u.ranAt) < h.StartPeriod
	switch {
	case c.Passed():
		u.failures, u.Health = 0, HealthHealthy
	case grace:
	default:
		u.failures++
		if u.failures >= h.Retries {
			u.Health = HealthUnhealthy
		}
	}
	if u.Health != prev && s.o.Hooks.Health != nil {
		s.o.Hooks.Health(u)
	}
}

// healthReadiness is readiness for a "healthy" dependency on du, named
// t: met once it is healthy; never once it is unhealthy or has ended
// before it was.
func healthReadiness(du *Unit, t string) (met bool, skip string) {
	switch {
	case du.Health == HealthHealthy:
		return true, ""
	case du.Health == HealthUnhealthy:
		return false, fmt.Sprintf("%s is unhealthy: %s failed, the last %s", t, checks(du.failures), du.LastCheck)
	case du.failed || du.state == done || du.state == idle:
		return false, t + " ended before it was healthy" + endedHow(du)
	}
	return false, ""
}

// checks is "1 check" or "N checks in a row".
func checks(n int) string {
	if n == 1 {
		return "1 check"
	}
	return fmt.Sprintf("%d checks in a row", n)
}

// endedHow is " (exit code N; last check ...)" for a run that ended,
// with what is known of each.
func endedHow(du *Unit) string {
	var parts []string
	if du.Result != nil {
		parts = append(parts, fmt.Sprintf("exit code %d", du.Result.ExitCode))
	}
	if du.LastCheck != (Check{}) {
		parts = append(parts, "last check "+du.LastCheck.String())
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, "; ") + ")"
}
