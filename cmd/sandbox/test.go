package main

import (
	"github.com/hclsandbox/sandbox/launcher/runner"
	"github.com/hclsandbox/sandbox/launcher/testrun"
	"github.com/spf13/cobra"
)

// testOptions are the flags of test.
type testOptions struct {
	parallel     int
	failFast     bool
	verbose      bool
	json         bool
	tap          bool
	junit        string
	update       bool
	cgroupParent string
}

func newTestCmd(e *env) *cobra.Command {
	o := &testOptions{}
	cmd := e.addVarFlags(&cobra.Command{
		Use:   "test [FILE|DIR]... [NAME]...",
		Short: "Run the sandboxes that have an expect block and check what they did",
		Long: `Run every sandbox with an expect block (or only the named ones), with
what they depend on, as one batch, as up does: the same parallelism, batch
budget, count and for_each. Then check each expectation and report it, the
expected value next to the actual one. Dependencies without an expect block
run but are not reported.

Exit codes:
  0    every expectation held
  1    an expectation did not hold, or the configuration is invalid
  2    invalid command line
  125  a sandbox failed to start, or the launcher failed
  130  Ctrl-C stopped the run (143: SIGTERM); the checks are still reported`,
		Example: `  sandbox test examples/test.hcl
  sandbox test --junit report.xml --parallel 4 checks/
  sandbox test --update examples/test.hcl greeting`,
		RunE: func(cmd *cobra.Command, args []string) error {
			runner.WatchSignals() // while the configuration loads
			collectOften()
			return e.test(args, o)
		},
	})
	f := cmd.Flags()
	f.IntVarP(&o.parallel, "parallel", "p", 0, "run at most N sandboxes at a time (0: all at once)")
	f.BoolVar(&o.failFast, "fail-fast", false, "stop every other sandbox as soon as one fails")
	f.BoolVarP(&o.verbose, "verbose", "v", false, "pass the sandboxes' output on, prefixed with their names, and list the checks that held")
	f.BoolVar(&o.json, "json", false, "print the results as JSON on stdout")
	f.BoolVar(&o.tap, "tap", false, "print the results as TAP version 13 on stdout")
	f.StringVar(&o.junit, "junit", "", "write a JUnit XML report to `FILE`: a test case per sandbox, a failure per unmet expectation")
	f.BoolVar(&o.update, "update", false, "rewrite every golden file from what the sandboxes did")
	f.StringVar(&o.cgroupParent, "cgroup-parent", "", "run the batch under the cgroup sandbox/`NAME`, which batch { limits } caps")
	return e.addReceiptFlag(cmd)
}

// test loads the files, runs the sandboxes with expectations as one batch
// and reports every check.
func (e *env) test(args []string, o *testOptions) error {
	if o.parallel < 0 {
		return exitf(exitUsage, "--parallel must be 0 (no limit) or more, not %d", o.parallel)
	}
	if o.json && o.tap {
		return exitf(exitUsage, "--json and --tap both print on stdout; give one")
	}
	paths, names := splitArgs(args)
	cfg, err := e.loadConfig(paths)
	if err != nil {
		return err
	}
	sbs, err := testrun.Select(cfg, names)
	if err != nil {
		return err
	}
	bo := runner.BatchOptions{Parallel: o.parallel, FailFast: o.failFast, Quiet: !o.verbose, JSON: o.json || o.tap, CgroupParent: o.cgroupParent}
	tr, err := testrun.Run(e.r(), cfg, sbs, testrun.Options{BatchOptions: bo, Update: o.update})
	if err != nil {
		return err
	}
	return tr.Finish(e.stdout, e.stderr, testrun.Output{Verbose: o.verbose, JSON: o.json, TAP: o.tap, JUnit: o.junit})
}
