package slurm

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/exitcode"
	"github.com/hclsandbox/sandbox/launcher/relay"
	"github.com/hclsandbox/sandbox/launcher/report"
	"github.com/hclsandbox/sandbox/launcher/runner"
)

// Options are how up --on slurm submits a batch and shows its output.
type Options struct {
	Stdout, Stderr io.Writer
	Color          bool   // color the output's prefixes
	Quiet          bool   // print no job's output
	NoPrefix       bool   // no "name | " before each line
	JSON           bool   // the jobs' output goes to Stderr: Stdout is the report's
	ExitCodeFrom   string // the sandbox whose exit code is the batch's
	// Paths are the configuration paths as given; Vars and VarFiles the
	// variables, given again to each job's sandbox run.
	Paths, Vars, VarFiles []string
}

// UpConfig submits the named sandboxes of cfg (all when names is empty),
// with what they depend on, as Slurm jobs, waits for them (SIGINT or
// SIGTERM cancels them) and reports them like a local up. Each job's
// output is printed once it has ended.
func UpConfig(cfg *config.Config, names []string, o Options) (*report.Report, error) {
	if cfg.Batch != nil && cfg.Batch.Limits != nil {
		fmt.Fprintln(o.Stderr, "sandbox: warning: the batch block's limits apply to a batch on one machine; Slurm schedules each job by its own limits")
	}
	sbs, err := runner.SelectBatch(cfg, names)
	if err != nil {
		return nil, err
	}
	if o.ExitCodeFrom != "" && !runner.HasName(sbs, o.ExitCodeFrom) {
		return nil, runner.UnknownName(o.ExitCodeFrom, runner.SandboxNames(sbs))
	}
	for _, w := range UnpinnedImages(sbs) {
		fmt.Fprintln(o.Stderr, "sandbox: warning:", w)
	}
	bin, err := sandboxBinary()
	if err != nil {
		return nil, exitcode.Errorf(exitcode.Setup, "find the sandbox binary: %v", err)
	}
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)
	rep, err := Up(context.Background(), Batch{Sandboxes: sbs, Run: o.runCommand(bin), Commander: Exec,
		Signals: sigs, Cancelling: func(s os.Signal) { fmt.Fprintf(o.Stderr, "sandbox: %v: cancelling the Slurm jobs\n", s) },
		Output: o.output(sbs), ExitCodeFrom: o.ExitCodeFrom})
	if err != nil {
		return nil, exitcode.Errorf(exitcode.Setup, "%v", err)
	}
	return rep, nil
}

// output prints each task's output file through the line writers of a
// local up.
func (o Options) output(sbs []*config.Sandbox) func(name, file string) {
	if o.Quiet {
		return nil
	}
	names := runner.SandboxNames(sbs)
	mux := relay.NewMux(names, !o.NoPrefix && len(names) > 1, o.Color)
	out := o.Stdout
	if o.JSON {
		out = o.Stderr
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

// runCommand is the command line each job runs on its node: `sandbox
// run` of the configuration the sandbox came from (the one path given,
// so that references across its files resolve), with the same variables.
func (o Options) runCommand(bin string) func(*Job) RunCommand {
	return func(j *Job) RunCommand {
		cfgPath := ""
		if len(o.Paths) == 1 {
			cfgPath, _ = filepath.Abs(o.Paths[0])
		}
		args := []string{"run"}
		for _, v := range o.Vars {
			args = append(args, "--var", v)
		}
		for _, f := range o.VarFiles {
			abs, _ := filepath.Abs(f)
			args = append(args, "--var-file", abs)
		}
		if cfgPath == "" {
			cfgPath = j.File
		}
		return RunCommand{Binary: bin, Args: append(args, cfgPath)}
	}
}
