package main

import (
	"fmt"

	"github.com/hclsandbox/sandbox/isolation"
	"github.com/hclsandbox/sandbox/launcher"
)

// start claims the sandbox's name, starts it and reports how that went to
// the caller of up -d. Without a process, the result says why; release
// frees the name once the sandbox has ended.
func (e *env) start(plan *launcher.Plan, stdio launcher.Stdio) (*launcher.Process, *launcher.Result, func()) {
	fail := func(res *launcher.Result, msg string) *launcher.Result {
		// Printed before the report, which lets up -d return.
		fmt.Fprintf(e.stderr, "sandbox: %s\n", msg)
		e.ready.report(plan.Name, 0)
		return res
	}
	setupFailed := &launcher.Result{Name: plan.Name, ExitCode: exitSetup}
	claim, err := e.stateDir().Claim(plan, e.detached)
	if err != nil {
		setupFailed.SetupError = &isolation.StepError{Step: "claim name " + plan.Name, Msg: err.Error()}
		return nil, fail(setupFailed, err.Error()), func() {}
	}
	release := func() { claim.Release() }
	if e.detached {
		var closeLog func()
		if stdio, closeLog, err = detachedStdio(claim); err != nil {
			return nil, fail(setupFailed, plan.Name+": "+err.Error()), release
		}
		release = func() { closeLog(); claim.Release() }
	}
	proc, res, err := launcher.StartClaimed(plan, stdio, claim)
	switch {
	case err != nil:
		return nil, fail(setupFailed, plan.Name+": "+err.Error()), release
	case res != nil:
		return nil, fail(res, plan.Name+": "+res.SetupError.Error()), release
	}
	e.ready.report(plan.Name, proc.Pid())
	e.receiptStarted(plan)
	return proc, nil, release
}
