package runner

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hclsandbox/sandbox/internal/phase"

	"github.com/hclsandbox/sandbox/internal/exitcode"
	"github.com/hclsandbox/sandbox/isolation"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/state"
)

// Start claims the sandbox's name, starts it and reports how that went to
// the caller of up -d. Without a process, the result says why; release
// frees the name once the sandbox has ended.
func (r *Runner) Start(plan *launcher.Plan, stdio launcher.Stdio) (*launcher.Process, *launcher.Result, func()) {
	claim, err := launcher.Claim(context.Background(), r.State, plan, r.Detached)
	return r.startClaimed(plan, stdio, claim, err)
}

// startClaimed is Start once the name is claimed, or failed to be (err).
func (r *Runner) startClaimed(plan *launcher.Plan, stdio launcher.Stdio, claim *state.Claim, err error) (*launcher.Process, *launcher.Result, func()) {
	phase.Mark("claim the name")
	fail := func(res *launcher.Result, msg string) *launcher.Result {
		// Printed before the report, which lets up -d return.
		r.PrintError(msg)
		r.Ready.Report(plan.Name, 0)
		return res
	}
	setupFailed := &launcher.Result{Name: plan.Name, ExitCode: exitcode.Setup}
	if err != nil {
		setupFailed.SetupError = &isolation.StepError{Step: "claim name " + plan.Name, Msg: err.Error()}
		return nil, fail(setupFailed, err.Error()), func() {}
	}
	release := func() { claim.Release() }
	if r.Detached {
		var closeLog func()
		if stdio, closeLog, err = DetachedStdio(claim); err != nil {
			setupFailed.SetupError = &isolation.StepError{Step: "open log", Msg: err.Error()}
			return nil, fail(setupFailed, plan.Name+": "+err.Error()), release
		}
		release = func() { closeLog(); claim.Release() }
	}
	proc, err := launcher.Start(context.Background(), plan, stdio, claim)
	var failed *launcher.SetupFailed
	switch {
	case errors.As(err, &failed):
		return nil, fail(failed.Result, plan.Name+": "+failed.Error()), release
	case err != nil: // a port taken, for one: a setup failure like any other
		setupFailed.SetupError = startError(err)
		return nil, fail(setupFailed, plan.Name+": "+err.Error()), release
	}
	if r.Detached {
		// Before the report, which moves the supervisor's stderr away
		// from up -d's caller once every sandbox has reported.
		for _, w := range proc.Warnings() {
			fmt.Fprintf(r.Stderr, "sandbox: %s: warning: %s\n", plan.Name, w)
		}
	}
	r.Ready.Report(plan.Name, proc.Pid())
	if r.Receipts != nil {
		r.Receipts.Started(plan, claim.Cgroup())
	}
	c := claimed{claim: claim}
	if r.Detached {
		c.log = stdio.Stderr
	}
	return proc, nil, r.noteClaim(plan.Name, c, release)
}

// startError is a launcher error as the failed step it names: "network
// n: publish port ...: address already in use" is the step "network n".
func startError(err error) *isolation.StepError {
	step, msg, ok := strings.Cut(err.Error(), ": ")
	if !ok {
		return &isolation.StepError{Step: "start", Msg: step}
	}
	return &isolation.StepError{Step: step, Msg: msg}
}
