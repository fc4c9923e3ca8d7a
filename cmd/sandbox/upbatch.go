package main

import "github.com/hclsandbox/sandbox/launcher/runner"

// up loads the configuration and runs the selected sandboxes as one
// batch: here, on Slurm (--on slurm), or under a watch (--watch).
func (e *env) up(args []string, o *upOptions) error {
	if o.parallel < 0 {
		return exitf(exitUsage, "--parallel must be 0 (no limit) or more, not %d", o.parallel)
	}
	if e.receipts.Dir != "" && (o.watch || o.on != "") {
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
	cfg, err := e.startR().Load(paths, e.loadOptions())
	if err != nil {
		return err
	}
	rep, err := e.r().Up("up", cfg, names, o.batch())
	if err != nil {
		return err
	}
	return rep.Finish(e.stdout, e.stderr, o.json, o.junit)
}

// batch are the options of the batch that up runs.
func (o *upOptions) batch() runner.BatchOptions {
	return runner.BatchOptions{Parallel: o.parallel, FailFast: o.failFast, Quiet: o.quiet, NoPrefix: o.noPrefix, JSON: o.json,
		CgroupParent: o.cgroupParent, ExitCodeFrom: o.exitCodeFrom, UpdateLock: o.updateLock}
}
