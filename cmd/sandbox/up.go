package main

import (
	"github.com/hclsandbox/sandbox/launcher/runner"
	"github.com/spf13/cobra"
)

// upOptions are the flags of up.
type upOptions struct {
	parallel     int
	noPrefix     bool
	quiet        bool
	json         bool
	junit        string
	exitCodeFrom string
	failFast     bool
	cgroupParent string
	updateLock   bool
	watch        bool
	on           string
}

func newUpCmd(e *env) *cobra.Command {
	o := &upOptions{}
	cmd := e.addVarFlags(&cobra.Command{
		Use:   "up [FILE|DIR]... [NAME]...",
		Short: "Run the declared sandboxes in the foreground",
		Long: `Run every sandbox declared in the given files and directories, or only the
named ones, in the foreground, and wait for all of them. A word that names an
existing file or directory is a configuration; any other word is a sandbox
name: "worker" selects every instance of a fanned-out sandbox, "worker[3]" or
'worker["eu"]' (also worker[eu]) one. The sandboxes a selected one depends on
are selected too. With no file, ./*.hcl is loaded.

When more than one sandbox runs, each line they write is prefixed with the
sandbox's name. Ctrl-C or SIGTERM sends
every running sandbox its stop_signal, then SIGKILL after its stop_timeout; a
second SIGINT or SIGTERM kills them at once (two within 20ms count as one). At the end a table says how each one ended.

With --watch, an edit of the configuration is applied while it runs, unless
a configuration, variables or lock file changed where a sandbox can write
(a writable bind, a persistent rootfs's state_dir): that change is reported
and not applied. The configuration is code that the launcher runs, as root
under sudo: whatever can write ./*.hcl can run anything as root.

` + batchExitCodeHelp + exitCodesHelp,
		Example: `  sandbox up examples/hello.hcl
  sandbox up web.hcl db.hcl web
  sandbox up --parallel 8 --json --junit report.xml examples/batch.hcl
  sandbox up --on slurm examples/batch.hcl`,
		PreRunE: func(cmd *cobra.Command, args []string) error {
			if d, _ := cmd.Flags().GetBool("detach"); d && o.on != "" {
				return exitf(exitUsage, "up --on %s runs in the background already; it does not take -d", o.on)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			runner.WatchSignals() // while the configuration loads
			collectOften()
			return e.up(args, o)
		},
	})
	f := cmd.Flags()
	f.IntVarP(&o.parallel, "parallel", "p", 0, "run at most N sandboxes at a time (0: all at once)")
	f.BoolVar(&o.noPrefix, "no-prefix", false, "do not prefix each output line with the sandbox's name")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "discard the sandboxes' output; print only the summary")
	f.BoolVar(&o.json, "json", false, "print the summary as JSON on stdout (the sandboxes' output goes to stderr)")
	f.StringVar(&o.junit, "junit", "", "write a JUnit XML report to `FILE`")
	f.StringVar(&o.exitCodeFrom, "exit-code-from", "", "exit with the exit code of sandbox `NAME`")
	f.BoolVar(&o.failFast, "fail-fast", false, "stop every other sandbox as soon as one fails")
	f.BoolVar(&o.updateLock, "update-lock", false, "record changed rootfs digests in sandbox.lock.hcl instead of refusing them")
	f.BoolVarP(&o.watch, "watch", "w", false, "relaunch a sandbox when its watch { paths } change, and apply edits of the configuration; run until Ctrl-C")
	f.StringVar(&o.on, "on", "", "run the batch elsewhere: slurm submits each sandbox as a Slurm job")
	f.StringVar(&o.cgroupParent, "cgroup-parent", "", "run the batch under the cgroup sandbox/`NAME`, which batch { limits } caps")
	e.addReceiptFlag(cmd)
	return e.addDetachFlag(cmd)
}

const batchExitCodeHelp = `With several sandboxes, up exits 0 when every one exited 0; otherwise with
the exit code of the first sandbox, in declaration order, that failed by
itself (sandboxes that up stopped or skipped do not count unless nothing
else failed; an interrupt alone gives 130 for SIGINT, 143 for SIGTERM).
--exit-code-from NAME exits with NAME's code instead; a skipped sandbox's
code is 125.

`
