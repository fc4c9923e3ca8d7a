package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/report"
	"github.com/hclsandbox/sandbox/launcher/rootfs"
	"github.com/hclsandbox/sandbox/launcher/supervise"
	"github.com/hclsandbox/sandbox/slurm"
)

// slurmPoll is how often up --on slurm asks squeue about its jobs.
const slurmPoll = time.Second

// onSlurm checks an --on value: "" (this machine) or "slurm".
func onSlurm(on string) (bool, error) {
	switch on {
	case "", "local":
		return false, nil
	case "slurm":
		return true, nil
	}
	return false, exitf(exitUsage, "--on must be slurm, not %q", on)
}

// upSlurm submits the selected sandboxes as Slurm jobs, waits for them and
// reports them like a local up: the same table, --json, --junit and exit
// code. Each job's output is printed once it has ended.
func (e *env) upSlurm(args []string, o *upOptions) error {
	if err := slurmFlags(o); err != nil {
		return err
	}
	paths, names := splitArgs(args)
	cfg, err := e.loadConfig(paths)
	if err != nil {
		return err
	}
	if cfg.Batch != nil && cfg.Batch.Limits != nil {
		fmt.Fprintln(e.stderr, "sandbox: warning: the batch block's limits apply to a batch on one machine; Slurm schedules each job by its own limits")
	}
	sbs, err := selectBatch(cfg, names)
	if err != nil {
		return err
	}
	if o.exitCodeFrom != "" && !hasName(sbs, o.exitCodeFrom) {
		return unknownName(o.exitCodeFrom, sandboxNames(sbs))
	}
	for _, w := range unpinnedImages(sbs) {
		fmt.Fprintln(e.stderr, "sandbox: warning:", w)
	}
	bin, err := sandboxBinary()
	if err != nil {
		return exitf(exitSetup, "find the sandbox binary: %v", err)
	}
	outDir, err := os.MkdirTemp(slurmDir(sbs), ".sandbox-slurm-")
	if err != nil {
		return exitf(exitSetup, "job output directory: %v", err)
	}
	defer os.RemoveAll(outDir)
	jobs := slurm.Jobs(sbs)
	start := time.Now()
	ctx := context.Background()
	ids, err := slurm.Submit(ctx, slurm.Exec, jobs, e.slurmRun(paths, bin), outDir)
	if err != nil {
		slurm.Cancel(ctx, slurm.Exec, idValues(ids))
		return exitf(exitSetup, "%v", err)
	}
	interrupt, err := e.waitSlurm(ctx, ids)
	if err != nil {
		return exitf(exitSetup, "%v", err)
	}
	rep, err := e.slurmReport(ctx, jobs, ids, outDir, o, interrupt)
	if err != nil {
		return exitf(exitSetup, "%v", err)
	}
	rep.Duration = time.Since(start).Seconds()
	return e.finishBatch(rep, nil, o)
}

// unpinnedImages warns of the image sandboxes that no lock file pins:
// each node's `sandbox run` pulls the image into its own store, and an
// unpinned tag is resolved by each node when it pulls, so two nodes may
// run two images. A pinned one runs the pinned digest everywhere.
func unpinnedImages(sbs []*config.Sandbox) []string {
	var out []string
	for _, s := range sbs {
		if s.Image == nil {
			continue
		}
		lock, err := rootfs.ReadLock(rootfs.LockPath(s.File))
		if e, ok := lock.Entries[s.Name]; err == nil && ok && e.Image == s.Image.String() {
			continue
		}
		out = append(out, fmt.Sprintf("%s: image %s is not pinned: each node resolves it when it pulls; run sandbox lock so that every node runs one digest", s.Name, s.Image))
	}
	return out
}

// sandboxBinary is the path the jobs run: this binary as it was invoked
// when that path is absolute (it may be a link whose name matters), else
// the executable the kernel ran.
func sandboxBinary() (string, error) {
	if filepath.IsAbs(os.Args[0]) {
		return os.Args[0], nil
	}
	return os.Executable()
}

// slurmFlags refuses the flags of up that only mean something on one
// machine, rather than ignoring them.
func slurmFlags(o *upOptions) error {
	for flag, set := range map[string]bool{"--parallel": o.parallel != 0, "--fail-fast": o.failFast,
		"--cgroup-parent": o.cgroupParent != "", "--update-lock": o.updateLock} {
		if set {
			return exitf(exitUsage, "%s does not apply to up --on slurm: the cluster schedules the jobs", flag)
		}
	}
	return nil
}

// slurmDir is where the jobs write their output: next to the first
// configuration, which the nodes must share anyway.
func slurmDir(sbs []*config.Sandbox) string {
	if len(sbs) == 0 || sbs[0].File == "" {
		return "."
	}
	return filepath.Dir(sbs[0].File)
}

// slurmRun is the command line each job runs on its node: `sandbox run`
// of the configuration the sandbox came from (the one path given, so that
// references across its files resolve), with the same variables.
func (e *env) slurmRun(paths []string, bin string) func(*slurm.Job) slurm.RunCommand {
	return func(j *slurm.Job) slurm.RunCommand {
		cfgPath := ""
		if len(paths) == 1 {
			cfgPath, _ = filepath.Abs(paths[0])
		}
		args := []string{"run"}
		for _, v := range e.vars {
			args = append(args, "--var", v)
		}
		for _, f := range e.varFiles {
			abs, _ := filepath.Abs(f)
			args = append(args, "--var-file", abs)
		}
		if cfgPath == "" {
			cfgPath = j.File
		}
		return slurm.RunCommand{Binary: bin, Args: append(args, cfgPath)}
	}
}

func idValues(ids map[string]string) []string {
	var out []string
	for _, id := range ids {
		out = append(out, id)
	}
	return out
}

// waitSlurm waits for every job to leave the queue. SIGINT or SIGTERM
// cancels them all (queued and running) and keeps waiting for the queue to
// drain; the signal's number is returned.
func (e *env) waitSlurm(ctx context.Context, ids map[string]string) (int, error) {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)
	done := make(chan error, 1)
	go func() { done <- slurm.Wait(ctx, slurm.Exec, ids, slurmPoll) }()
	var esc supervise.Escalation // the scheduler's rule: a later interrupt changes nothing here
	for {
		select {
		case err := <-done:
			return int(esc.First), err
		case s := <-sigs:
			if esc.Classify(s) == supervise.Stop {
				fmt.Fprintf(e.stderr, "sandbox: %v: cancelling the Slurm jobs\n", s)
				slurm.Cancel(ctx, slurm.Exec, idValues(ids))
			}
		}
	}
}

// slurmReport reads how each sandbox ended, prints its output, and builds
// the report in declaration order.
func (e *env) slurmReport(ctx context.Context, jobs []*slurm.Job, ids map[string]string, outDir string, o *upOptions, interrupt int) (*report.Report, error) {
	var names []string
	for _, j := range jobs {
		names = append(names, j.Instances...)
	}
	mux := newOutputMux(names, !o.noPrefix && len(names) > 1, e.color)
	out := e.stdout
	if o.json {
		out = e.stderr
	}
	var outs []report.Outcome
	for _, j := range jobs {
		states, err := slurm.States(ctx, slurm.Exec, ids[j.Base])
		if err != nil {
			return nil, err
		}
		for i, name := range j.Instances {
			if !o.quiet {
				copyOutput(mux.writer(name, out), j.OutputFile(outDir, i))
			}
			outs = append(outs, slurmOutcome(name, slurm.Task(states, i), interrupt != 0))
		}
	}
	return &report.Report{Sandboxes: outs, ExitCode: report.ExitCode(outs, interrupt, o.exitCodeFrom)}, nil
}

func copyOutput(w *lineWriter, file string) {
	b, err := os.ReadFile(file)
	if err != nil {
		return
	}
	w.Write(b)
	w.Flush()
}

// slurmOutcome maps a task's Slurm state to a row of the report.
func slurmOutcome(name string, st slurm.TaskState, interrupted bool) report.Outcome {
	o := report.Outcome{Name: name, ExitCode: st.ExitCode, Duration: st.RunTime.Seconds()}
	switch {
	case st.State == "COMPLETED" || st.State == "FAILED" && st.Signal == 0:
		o.Result = report.Exited
	case st.State == "TIMEOUT":
		o.Result, o.ExitCode = report.TimedOut, 128+int(syscall.SIGKILL)
	case st.State == "OUT_OF_MEMORY":
		o.Result, o.ExitCode = report.OOM, 128+int(syscall.SIGKILL)
	case st.State == "CANCELLED" && st.Reason == "DependencyNeverSatisfied":
		o.Result, o.Reason, o.ExitCode = report.Skipped, "a dependency failed", exitSetup
	case st.State == "CANCELLED" && !st.Started:
		o.Result, o.Reason, o.ExitCode, o.Stopped = report.Skipped, "cancelled before it started", exitSetup, true
	case st.State == "CANCELLED" || st.Signal != 0:
		sig := syscall.Signal(st.Signal)
		if sig == 0 {
			sig = syscall.SIGTERM
		}
		// Cancelled means stopped by this up's interrupt or by stop --on slurm.
		o.Result, o.Signal, o.ExitCode, o.Stopped = report.Killed, launcher.SignalName(sig), 128+int(sig), interrupted || st.State == "CANCELLED"
	default:
		o.Result, o.Reason, o.ExitCode = report.SetupFailed, "slurm job state "+st.State, exitSetup
	}
	return o
}

// psSlurm lists the queued and running jobs that up --on slurm submitted.
func (e *env) psSlurm(asJSON bool) error {
	qs, err := slurm.List(context.Background(), slurm.Exec)
	if err != nil {
		return exitf(exitSetup, "ps: %v", err)
	}
	if asJSON {
		b, _ := json.MarshalIndent(qs, "", "  ")
		fmt.Fprintf(e.stdout, "%s\n", b)
		return nil
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tJOB\tSTATE\tTIME\tNODES")
	for _, q := range qs {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", q.Name, q.ID, q.State, q.Time, q.Nodes)
	}
	return w.Flush()
}

// stopSlurm cancels the queued and running jobs of the named sandboxes
// (block names: a fanned-out sandbox's whole array), or all of them.
func (e *env) stopSlurm(names []string, all bool) error {
	ctx := context.Background()
	qs, err := slurm.List(ctx, slurm.Exec)
	if err != nil {
		return exitf(exitSetup, "stop: %v", err)
	}
	var ids []string
	found := map[string]bool{}
	for _, q := range qs {
		if all || slices.Contains(names, q.Name) {
			ids = append(ids, q.ID)
			found[q.Name] = true
		}
	}
	for _, n := range names {
		if !found[n] {
			fmt.Fprintf(e.stderr, "sandbox: %s: no queued or running Slurm job\n", n)
		}
	}
	if err := slurm.Cancel(ctx, slurm.Exec, ids); err != nil {
		return exitf(exitSetup, "stop: %v", err)
	}
	for _, q := range qs {
		if found[q.Name] {
			fmt.Fprintf(e.stdout, "%s (job %s)\n", q.Name, q.ID)
		}
	}
	if len(found) < len(names) {
		return exitCode(exitSetup)
	}
	return nil
}
