package main

import (
	"fmt"
	"github.com/hclsandbox/sandbox/launcher/relay"
	"io"
	"os"
	"sync"
	"time"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/report"
	"github.com/hclsandbox/sandbox/launcher/supervise"
)

// up loads, selects and plans the sandboxes, then runs them as one batch.
func (e *env) up(args []string, o *upOptions) error {
	if o.parallel < 0 {
		return exitf(exitUsage, "--parallel must be 0 (no limit) or more, not %d", o.parallel)
	}
	if e.receipts.dir != "" && (o.watch || o.on != "") {
		return exitf(exitUsage, "--receipt records the runs of this machine that end; it does not combine with --watch or --on")
	}
	if remote, err := onSlurm(o.on); err != nil || remote {
		if err != nil {
			return err
		}
		if o.watch {
			return exitf(exitUsage, "--watch relaunches sandboxes on this machine; it does not combine with --on slurm")
		}
		return e.upSlurm(args, o)
	}
	if o.watch {
		return e.upWatch(args, o)
	}
	paths, names := splitArgs(args)
	cfg, err := e.loadConfig(paths)
	if err != nil {
		return err
	}
	sbs, err := selectBatch(cfg, names)
	if err != nil {
		return err
	}
	if o.exitCodeFrom != "" && !hasName(sbs, o.exitCodeFrom) {
		return unknownName(o.exitCodeFrom, sandboxNames(sbs))
	}
	host, roots, plans, err := e.startPlans(cfg, sbs, o.updateLock)
	if err != nil {
		return err
	}
	e.prepareReceipts("up", cfg, sbs, plans, roots, host, nil)
	e.ready.expect(len(plans)) // up -d returns once each has started or failed
	bc, err := e.batchBudget(cfg, plans, host, o)
	if err != nil {
		return err
	}
	return e.runBatch(sbs, plans, bc, o)
}

// selectBatch is selectSandboxes plus, transitively, every sandbox the
// selected ones depend on, in declaration order.
func selectBatch(cfg *config.Config, names []string) ([]*config.Sandbox, error) {
	sbs, err := selectSandboxes(cfg, names)
	if err != nil || len(names) == 0 {
		return sbs, err
	}
	want := map[string]bool{}
	var add func(s *config.Sandbox)
	add = func(s *config.Sandbox) {
		if want[s.Name] {
			return
		}
		want[s.Name] = true
		for _, d := range s.DependsOn {
			for _, t := range d.Targets {
				add(cfg.Lookup(t))
			}
		}
	}
	for _, s := range sbs {
		add(s)
	}
	var out []*config.Sandbox
	for _, s := range cfg.Sandboxes {
		if want[s.Name] {
			out = append(out, s)
		}
	}
	return out, nil
}

func sandboxNames(sbs []*config.Sandbox) []string {
	out := make([]string, len(sbs))
	for i, s := range sbs {
		out[i] = s.Name
	}
	return out
}

func hasName(sbs []*config.Sandbox, name string) bool {
	for _, s := range sbs {
		if s.Name == name {
			return true
		}
	}
	return false
}

// runBatch runs the plans, prints the report and returns the exit code.
func (e *env) runBatch(sbs []*config.Sandbox, plans []*launcher.Plan, bc *launcher.BatchCgroup, o *upOptions) error {
	start := time.Now()
	units := newUnits(sbs, plans)
	out := newBatchOutput(e, plans, o)
	s := supervise.New(out.options(), units)
	schedule(s)
	e.writeReceipts(units, nil)
	rep := report.New(units, int(s.Interrupt()), o.exitCodeFrom, time.Since(start))
	rep.AddOutput(out.tail)
	e.closeBudget(bc, rep)
	return e.finishBatch(rep, units, o)
}

// finishBatch prints the aggregated errors, the table or JSON and the
// JUnit file, and turns the report's exit code into the command's.
func (e *env) finishBatch(rep *report.Report, units []*supervise.Unit, o *upOptions) error {
	rep.WriteTable(e.stderr)
	if o.json {
		if err := rep.WriteJSON(e.stdout); err != nil {
			return exitf(exitSetup, "%v", err)
		}
	}
	if o.junit != "" {
		if err := report.WriteJUnitFile(o.junit, rep); err != nil {
			return exitf(exitSetup, "%v", err)
		}
	}
	if rep.ExitCode != exitOK {
		return exitCode(rep.ExitCode)
	}
	return nil
}

// batchOutput connects the sandboxes' output to the launcher's.
type batchOutput struct {
	e      *env
	o      *upOptions
	mux    *relay.Mux
	stdout io.Writer
	mu     sync.Mutex
	outs   map[string][2]*relay.LineWriter // each sandbox's, flushed when it ends
	tails  map[string]*relay.Tail          // each sandbox's last lines, for the reports
}

func newBatchOutput(e *env, plans []*launcher.Plan, o *upOptions) *batchOutput {
	names := make([]string, len(plans))
	for i, p := range plans {
		names[i] = p.Name
	}
	out := e.stdout
	if o.json {
		out = e.stderr
	}
	color := false
	if f, ok := out.(*os.File); ok {
		color = relay.WantColor(f)
	}
	return &batchOutput{e: e, o: o, mux: relay.NewMux(names, !o.noPrefix && len(plans) > 1, color), stdout: out,
		outs: map[string][2]*relay.LineWriter{}, tails: map[string]*relay.Tail{}}
}

// options are how up schedules a batch: at most --parallel at once,
// --fail-fast, and the escalation of every scheduler.
func (bo *batchOutput) options() supervise.Options {
	return supervise.Options{Start: bo.launch, Parallel: bo.o.parallel, FailFast: bo.o.failFast,
		Hooks: supervise.Hooks{Ended: bo.ended, Exited: bo.exited}}
}

// launch starts u with its output going through line writers.
func (bo *batchOutput) launch(u *supervise.Unit) (supervise.Process, *launcher.Result, func()) {
	tail := &relay.Tail{}
	stdio := launcher.Stdio{Stdout: tail, Stderr: tail}
	var outs [2]*relay.LineWriter
	if !bo.o.quiet {
		stdio, outs = bo.mux.Stdio(u.Name(), bo.stdout, bo.e.stderr)
		stdio.Stdout, stdio.Stderr = io.MultiWriter(stdio.Stdout, tail), io.MultiWriter(stdio.Stderr, tail)
	}
	bo.mu.Lock()
	bo.outs[u.Name()], bo.tails[u.Name()] = outs, tail
	bo.mu.Unlock()
	// Through the name's claim: a record while it runs, and up -d's report.
	proc, res, release := bo.e.start(u.Plan, stdio)
	if proc != nil {
		for _, w := range proc.Warnings() {
			bo.mux.Emit(bo.e.stderr, nil, []byte("sandbox: "+u.Name()+": warning: "+w))
		}
	}
	return asProcess(proc), res, release
}

// ended flushes u's partial last lines once its output is complete. A
// sandbox that never reached launch (skipped) still reports to up -d.
func (bo *batchOutput) ended(u *supervise.Unit) {
	if !u.Launched() {
		bo.e.ready.report(u.Name(), 0)
	}
	bo.flush(u)
}

// tail is the last lines the sandbox called name wrote, or none.
func (bo *batchOutput) tail(name string) []string {
	bo.mu.Lock()
	defer bo.mu.Unlock()
	return bo.tails[name].Lines()
}

func (bo *batchOutput) flush(u *supervise.Unit) {
	bo.mu.Lock()
	outs := bo.outs[u.Name()]
	bo.mu.Unlock()
	for _, w := range outs {
		if w != nil {
			w.Flush()
		}
	}
}

// exited prints a status line about a restart of u, prefixed with its name.
func (bo *batchOutput) exited(u *supervise.Unit, res *launcher.Result, wait time.Duration, n int) {
	if wait <= 0 {
		return
	}
	bo.flush(u)
	bo.mux.Emit(bo.e.stderr, bo.mux.StatusPrefix(u.Name()),
		fmt.Appendf(nil, "exited with %d → restarting in %s (%d)", res.ExitCode, wait, n))
}
