package runner

import (
	"fmt"

	"github.com/hclsandbox/sandbox/internal/phase"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/exitcode"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/relay"
	"github.com/hclsandbox/sandbox/launcher/supervise"
)

// checkHost fails with exit code 125 unless sandboxes can be started here:
// with root, those whose ids come from the sandbox user's subordinate
// ranges need the ranges. Without root every sandbox gets a user
// namespace of its own (launcher.NewPlan).
func (r *Runner) checkHost(h *launcher.Host, sbs []*config.Sandbox) error {
	if h.EUID == 0 {
		return r.checkIDPool(h, sbs)
	}
	return nil
}

// checkIDPool refuses, before any sandbox starts, a batch whose sandboxes
// would get their ids from subordinate ranges the host does not have.
func (r *Runner) checkIDPool(h *launcher.Host, sbs []*config.Sandbox) error {
	for _, s := range sbs {
		if n := launcher.AutoIDCount(s, h); n > 0 {
			if _, err := r.State.SubIDs.Pool(n); err != nil {
				return exitcode.Errorf(exitcode.Setup, "%s: %v", s.Name, err)
			}
			return nil
		}
	}
	return nil
}

// preflight prints the host problems of every sandbox at once; any error
// fails with exit code 125.
func (r *Runner) preflight(cfg *config.Config, sbs []*config.Sandbox) error {
	failed := false
	for _, s := range sbs {
		if d := launcher.Preflight(s); d.HasErrors() {
			r.PrintDiags(d, cfg.Files)
			failed = true
		}
	}
	if failed {
		return exitcode.Code(exitcode.Setup)
	}
	return nil
}

// RunOne runs one sandbox attached to the caller, under the same
// scheduler as up (without restarts: run runs its command once), and
// returns how it ended. The first SIGINT or SIGTERM is passed on as it
// is; the escalation is up's. With a terminal, the caller's is in raw
// mode from the start until the sandbox's output is all relayed.
func (r *Runner) RunOne(plan *launcher.Plan, stdio launcher.Stdio) *supervise.Unit {
	u := &supervise.Unit{Plan: plan}
	Schedule(supervise.New(r.RunOptions(stdio), []*supervise.Unit{u}))
	return u
}

// RunOptions are how run schedules its one sandbox.
func (r *Runner) RunOptions(stdio launcher.Stdio) supervise.Options {
	return supervise.Options{Start: func(u *supervise.Unit) (supervise.Process, *launcher.Result, func()) {
		return r.attach(u.Plan, stdio)
	}, ForwardInterrupt: true, Check: r.Check, Hooks: supervise.Hooks{Health: r.runHealth}}
}

// runHealth records the health of run's sandbox; only a sandbox that
// became unhealthy gets a line, on stderr.
func (r *Runner) runHealth(u *supervise.Unit) {
	r.NoteHealth(u)
	if u.Health == supervise.HealthUnhealthy {
		fmt.Fprintf(r.Stderr, "sandbox: %s: %s\n", u.Name(), HealthLine(u))
	}
}

// attach starts plan with stdio and, on a terminal, attaches the
// caller's terminal to it until its output is relayed.
func (r *Runner) attach(plan *launcher.Plan, stdio launcher.Stdio) (supervise.Process, *launcher.Result, func()) {
	proc, res, release := r.Start(plan, stdio)
	if proc == nil {
		return nil, res, release
	}
	for _, w := range proc.Warnings() {
		fmt.Fprintf(r.Stderr, "sandbox: %s: warning: %s\n", plan.Name, w)
	}
	if tty := relay.Terminal(r.Stdin); tty != nil && stdio.Terminal != nil {
		restore := relay.AttachTerminal(tty, proc, true)
		return proc, nil, func() { restore(); release() }
	}
	return proc, nil, release
}

// Run runs s of cfg attached to the caller's streams, args replacing its
// command when given, and returns how it ended; command names the
// command in its receipt.
func (r *Runner) Run(command string, cfg *config.Config, s *config.Sandbox, args []string) (*launcher.Result, error) {
	sbs := []*config.Sandbox{s}
	host, roots, plans, err := r.StartPlans(cfg, sbs, false)
	if err != nil {
		return nil, err
	}
	phase.Mark("probe the host, prepare the root, plan")
	plan := plans[0]
	if len(args) > 0 {
		plan = plan.WithArgs(args)
	}
	r.PrepareReceipts(command, cfg, sbs, []*launcher.Plan{plan}, roots, host, args)
	phase.Mark("prepare the receipt")
	u := r.RunOne(plan, relay.AttachedStdio(r.Stdin, r.Stdout, r.Stderr))
	if r.Receipts != nil {
		r.Receipts.Write(u, nil, r.State.Home())
		phase.Mark("write the receipt")
	}
	return u.Result, nil
}
