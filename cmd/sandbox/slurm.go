package main

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"

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
// code.
func (e *env) upSlurm(args []string, o *upOptions) error {
	if err := slurmFlags(o); err != nil {
		return err
	}
	paths, names := splitArgs(args)
	cfg, err := e.loadConfig(paths)
	if err != nil {
		return err
	}
	rep, err := slurm.UpConfig(cfg, names, slurm.Options{Stdout: e.stdout, Stderr: e.stderr, Color: e.color, Quiet: o.quiet,
		NoPrefix: o.noPrefix, JSON: o.json, ExitCodeFrom: o.exitCodeFrom, Paths: paths, Vars: e.vars, VarFiles: e.varFiles})
	if err != nil {
		return err
	}
	return e.finishBatch(rep, o)
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
