package main

import "github.com/hclsandbox/sandbox/slurm"

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
	return rep.Finish(e.stdout, e.stderr, o.json, o.junit)
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
