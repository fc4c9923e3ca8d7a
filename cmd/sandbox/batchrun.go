package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
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
	host := e.probeHost()
	if err := e.checkHost(host, sbs); err != nil {
		return err
	}
	if err := e.preflight(cfg, sbs); err != nil {
		return err
	}
	roots, err := e.prepareRoots(sbs, o.updateLock)
	if err != nil {
		return err
	}
	plans := buildPlans(sbs, host, roots)
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
	jobs := newJobs(sbs, plans)
	out := newBatchOutput(e, plans, o)
	b := &batch{jobs: jobs, parallel: o.parallel, failFast: o.failFast, launch: out.launch, ended: out.ended, note: out.note}
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, forwarded...)
	b.run(sigs)
	signal.Stop(sigs)
	e.writeJobReceipts(jobs, nil)
	rep := newReport(jobs, int(b.interrupt), o.exitCodeFrom, time.Since(start))
	e.closeBudget(bc, rep)
	return e.finishBatch(rep, jobs, o)
}

// finishBatch prints the aggregated errors, the table or JSON and the
// JUnit file, and turns the report's exit code into the command's.
func (e *env) finishBatch(rep *report, jobs []*job, o *upOptions) error {
	if err := batchErrors(jobs); err != nil {
		fmt.Fprintf(e.stderr, "sandbox: %v\n", err)
	}
	rep.writeTable(e.stderr)
	if o.json {
		if err := rep.writeJSON(e.stdout); err != nil {
			return exitf(exitSetup, "%v", err)
		}
	}
	if o.junit != "" {
		if err := writeJUnitFile(o.junit, rep); err != nil {
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
	mux    *outputMux
	stdout io.Writer
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
		color = wantColor(f)
	}
	return &batchOutput{e: e, o: o, mux: newOutputMux(names, !o.noPrefix && len(plans) > 1, color), stdout: out}
}

// launch starts j with its output going through line writers.
func (bo *batchOutput) launch(j *job) (*launcher.Process, *launcher.Result, error) {
	var stdio launcher.Stdio
	if !bo.o.quiet {
		stdio, j.outs = bo.mux.stdio(j.plan.Name, bo.stdout, bo.e.stderr)
	}
	// Through the name's claim: a record while it runs, and up -d's report.
	proc, res, release := bo.e.start(j.plan, stdio)
	j.release = release
	if proc != nil {
		for _, w := range proc.Warnings() {
			bo.mux.emit(bo.e.stderr, nil, []byte("sandbox: "+j.plan.Name+": warning: "+w))
		}
	}
	return proc, res, nil
}

// ended flushes j's partial last lines once its output is complete. A job
// that never reached launch (skipped) still reports to up -d.
func (bo *batchOutput) ended(j *job) {
	if j.release == nil {
		bo.e.ready.report(j.plan.Name, 0)
	}
	for _, w := range j.outs {
		if w != nil {
			w.Flush()
		}
	}
}

// note prints a status line about j, prefixed with its name.
func (bo *batchOutput) note(j *job, format string, args ...any) {
	for _, w := range j.outs {
		if w != nil {
			w.Flush()
		}
	}
	bo.mux.emit(bo.e.stderr, bo.mux.statusPrefix(j.plan.Name), fmt.Appendf(nil, format, args...))
}
