package main

import (
	"fmt"
	"github.com/hclsandbox/sandbox/launcher/relay"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/supervise"
)

// checkHost fails with exit code 125 unless sandboxes can be started here.
// Without root, only sandboxes with a user namespace can start (rootless);
// with root, those whose ids come from the sandbox user's subordinate
// ranges need the ranges.
func (e *env) checkHost(h *launcher.Host, sbs []*config.Sandbox) error {
	if h.EUID == 0 {
		return e.checkIDPool(h, sbs)
	}
	for _, s := range sbs {
		if !s.HasNamespace("user") {
			return exitf(exitSetup, "%s: starting a sandbox without root needs a user namespace: add \"user\" to its namespaces, or use sudo; validate and plan work without either", s.Name)
		}
	}
	return nil
}

// checkIDPool refuses, before any sandbox starts, a batch whose sandboxes
// would get their ids from subordinate ranges the host does not have.
func (e *env) checkIDPool(h *launcher.Host, sbs []*config.Sandbox) error {
	for _, s := range sbs {
		if n := launcher.AutoIDCount(s, h); n > 0 {
			if _, err := e.stateDir().SubIDs.Pool(n); err != nil {
				return exitf(exitSetup, "%s: %v", s.Name, err)
			}
			return nil
		}
	}
	return nil
}

// preflight prints the host problems of every sandbox at once; any error
// fails with exit code 125.
func (e *env) preflight(cfg *config.Config, sbs []*config.Sandbox) error {
	failed := false
	for _, s := range sbs {
		if d := launcher.Preflight(s); d.HasErrors() {
			e.printDiags(d, cfg.Files)
			failed = true
		}
	}
	if failed {
		return exitCode(exitSetup)
	}
	return nil
}

// runOne runs one sandbox attached to the caller, under the same
// scheduler as up (without restarts: run runs its command once), and
// returns how it ended. The first SIGINT or SIGTERM is passed on as it
// is; the escalation is up's. With a terminal, the caller's is in raw
// mode from the start until the sandbox's output is all relayed.
func (e *env) runOne(plan *launcher.Plan, stdio launcher.Stdio) *supervise.Unit {
	u := &supervise.Unit{Plan: plan}
	schedule(supervise.New(e.runOptions(stdio), []*supervise.Unit{u}))
	return u
}

// runOptions are how run schedules its one sandbox.
func (e *env) runOptions(stdio launcher.Stdio) supervise.Options {
	return supervise.Options{Start: func(u *supervise.Unit) (supervise.Process, *launcher.Result, func()) {
		return e.attach(u.Plan, stdio)
	}, ForwardInterrupt: true}
}

// attach starts plan with stdio and, on a terminal, attaches the
// caller's terminal to it until its output is relayed.
func (e *env) attach(plan *launcher.Plan, stdio launcher.Stdio) (supervise.Process, *launcher.Result, func()) {
	proc, res, release := e.start(plan, stdio)
	if proc == nil {
		return nil, res, release
	}
	for _, w := range proc.Warnings() {
		fmt.Fprintf(e.stderr, "sandbox: %s: warning: %s\n", plan.Name, w)
	}
	if tty := relay.Terminal(e.stdin); tty != nil && stdio.Terminal != nil {
		restore := relay.AttachTerminal(tty, proc, true)
		return proc, nil, func() { restore(); release() }
	}
	return proc, nil, release
}
