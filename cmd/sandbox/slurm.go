package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"text/tabwriter"

	"github.com/hclsandbox/sandbox/launcher/relay"
	"github.com/hclsandbox/sandbox/launcher/runner"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/slurm"
)

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
	sbs, err := runner.SelectBatch(cfg, names)
	if err != nil {
		return err
	}
	if o.exitCodeFrom != "" && !runner.HasName(sbs, o.exitCodeFrom) {
		return runner.UnknownName(o.exitCodeFrom, runner.SandboxNames(sbs))
	}
	for _, w := range slurm.UnpinnedImages(sbs) {
		fmt.Fprintln(e.stderr, "sandbox: warning:", w)
	}
	bin, err := sandboxBinary()
	if err != nil {
		return exitf(exitSetup, "find the sandbox binary: %v", err)
	}
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)
	rep, err := slurm.Up(context.Background(), slurm.Batch{Sandboxes: sbs, Run: e.slurmRun(paths, bin), Commander: slurm.Exec,
		Signals: sigs, Cancelling: func(s os.Signal) { fmt.Fprintf(e.stderr, "sandbox: %v: cancelling the Slurm jobs\n", s) },
		Output: e.slurmOutput(sbs, o), ExitCodeFrom: o.exitCodeFrom})
	if err != nil {
		return exitf(exitSetup, "%v", err)
	}
	return e.finishBatch(rep, o)
}

// slurmOutput prints each task's output file through the line writers of
// a local up.
func (e *env) slurmOutput(sbs []*config.Sandbox, o *upOptions) func(name, file string) {
	if o.quiet {
		return nil
	}
	names := runner.SandboxNames(sbs)
	mux := relay.NewMux(names, !o.noPrefix && len(names) > 1, e.color)
	out := e.stdout
	if o.json {
		out = e.stderr
	}
	return func(name, file string) {
		b, err := os.ReadFile(file)
		if err != nil {
			return
		}
		w := mux.Writer(name, out)
		w.Write(b)
		w.Flush()
	}
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
	stopped, missing, err := slurm.Stop(context.Background(), slurm.Exec, names, all)
	for _, n := range missing {
		fmt.Fprintf(e.stderr, "sandbox: %s: no queued or running Slurm job\n", n)
	}
	if err != nil {
		return exitf(exitSetup, "stop: %v", err)
	}
	for _, q := range stopped {
		fmt.Fprintf(e.stdout, "%s (job %s)\n", q.Name, q.ID)
	}
	if len(missing) > 0 {
		return exitCode(exitSetup)
	}
	return nil
}
