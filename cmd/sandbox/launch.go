package main

import (
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
)

// forwarded are the signals the launcher passes on to running sandboxes.
var forwarded = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP,
	syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH}

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

// running tracks started sandboxes so that signals reach all of them.
type running struct {
	mu    sync.Mutex
	procs map[*launcher.Process]bool
}

func (r *running) add(p *launcher.Process) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.procs == nil {
		r.procs = map[*launcher.Process]bool{}
	}
	r.procs[p] = true
}

func (r *running) remove(p *launcher.Process) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.procs, p)
}

func (r *running) signal(sig os.Signal) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for p := range r.procs {
		p.Signal(sig)
	}
}

// forwardSignals passes the launcher's signals on to every running sandbox
// until stop is called. A second SIGINT kills them at once. Sandboxes run in
// sessions of their own, so a terminal's signals reach them only this way
// (or, for run on a terminal, through their own pty).
func forwardSignals(r *running) (stop func()) {
	ch := make(chan os.Signal, 8)
	signal.Notify(ch, forwarded...)
	done := make(chan struct{})
	go func() {
		interrupts := 0
		for {
			select {
			case <-done:
				return
			case sig := <-ch:
				if sig == syscall.SIGINT {
					interrupts++
				}
				switch {
				case interrupts > 1:
					r.signal(syscall.SIGKILL)
				default:
					r.signal(sig)
				}
			}
		}
	}()
	return func() { signal.Stop(ch); close(done) }
}

// launch starts one sandbox and waits for it. With a terminal, the
// caller's is in raw mode from the start until the sandbox's output is
// all relayed.
func (e *env) launch(r *running, plan *launcher.Plan, stdio launcher.Stdio) *launcher.Result {
	proc, res, release := e.start(plan, stdio)
	defer release()
	if proc == nil {
		return res
	}
	for _, w := range proc.Warnings() {
		fmt.Fprintf(e.stderr, "sandbox: %s: warning: %s\n", plan.Name, w)
	}
	if tty := e.terminal(); tty != nil && stdio.Terminal != nil {
		defer attachTerminal(tty, proc, true)()
	}
	r.add(proc)
	defer r.remove(proc)
	return proc.Wait()
}
