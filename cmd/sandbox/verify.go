package main

import (
	"fmt"

	"github.com/hclsandbox/sandbox/launcher/runner"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher/receipt"
	"github.com/spf13/cobra"
)

func newVerifyCmd(e *env) *cobra.Command {
	return e.addVarFlags(&cobra.Command{
		Use:   "verify RECEIPT [FILE|DIR]...",
		Short: "Say whether a run now would be the same as the one a receipt records",
		Long: `Load the configuration files the receipt names (or the given ones), plan its
sandbox again on this host and compare: the configuration files' digests,
the variables' values, the root filesystem's or image's digest, the kernel,
architecture and cgroup driver, the cgroup limits and the plan's digest.
Each difference is printed on its own line. Nothing is started; the
variables come from the same sources as for up (defaults, *.auto.vars,
--var-file, SANDBOX_VAR_*, --var), so give again what the run was given.

Exit codes:
  0    a run now would be the same
  1    something differs (each difference is printed), or the configuration is invalid
  2    invalid command line
  125  the receipt cannot be read`,
		Example: `  sandbox verify /run/sandbox/.receipts/web.json
  sandbox verify receipts/web.json --var port=8080 web.hcl`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.verify(args[0], args[1:])
		},
	})
}

// verify compares the receipt at path with a plan made now.
func (e *env) verify(path string, files []string) error {
	was, err := receipt.Read(path)
	if err != nil {
		return exitf(exitSetup, "%v", err)
	}
	if len(files) == 0 {
		for _, f := range was.Config {
			files = append(files, f.Path)
		}
	}
	cfg, err := e.loadConfig(files)
	if err != nil {
		return err
	}
	s := cfg.Lookup(was.Sandbox)
	if s == nil {
		fmt.Fprintf(e.stdout, "%s: differs from the receipt:\n  sandbox %s: no longer declared\n", was.Sandbox, was.Sandbox)
		return exitCode(1)
	}
	diffs := receipt.Compare(was, e.receiptNow(cfg, s, was))
	if len(diffs) == 0 {
		fmt.Fprintf(e.stdout, "%s: same: a run now would have the receipt's configuration, variables, root, host facts and limits\n", s.Name)
		return nil
	}
	fmt.Fprintf(e.stdout, "%s: differs from the receipt:\n", s.Name)
	for _, d := range diffs {
		fmt.Fprintf(e.stdout, "  %s\n", d)
	}
	return exitCode(1)
}

// receiptNow is the receipt a run of s would start with now.
func (e *env) receiptNow(cfg *config.Config, s *config.Sandbox, was *receipt.Receipt) *receipt.Receipt {
	host := e.probeHost()
	planned := runner.BuildPlans([]*config.Sandbox{s}, host, nil)[0]
	if len(was.Args) > 0 {
		planned = planned.WithArgs(was.Args)
	}
	in, err := receipt.InputsOf(cfg)
	if err != nil {
		fmt.Fprintf(e.stderr, "sandbox: %v\n", err)
	}
	root, err := receipt.RootOf(s, planned, "")
	if err != nil {
		fmt.Fprintf(e.stderr, "sandbox: %s: %v\n", s.Name, err)
	}
	now := receipt.New(was.Command, in, s.Name, planned, root, host)
	now.Args = was.Args
	return now
}
