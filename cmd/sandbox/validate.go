package main

import "github.com/spf13/cobra"

func newValidateCmd(e *env) *cobra.Command {
	return e.addVarFlags(&cobra.Command{
		Use:   "validate [FILE|DIR]...",
		Short: "Check configuration files and report every problem",
		Long: `Load the given files and directories (./*.hcl when none is given), evaluate
variables, locals and functions, check the host paths they name (each
rootfs and mount source exists and is of the right kind), and report every
problem at once with its file:line:col. Needs no privileges and starts
nothing.

Exit codes: 0 valid, 1 invalid or a sandbox that cannot start here (a
missing rootfs or mount source, a seccomp filter that does not compile),
2 invalid command line.`,
		Example: `  sandbox validate
  sandbox validate examples --var port=8080
  sandbox validate --format json web.hcl`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.validate(args)
		},
	})
}

func (e *env) validate(paths []string) error {
	collectLess()
	cfg, err := e.loadConfig(paths)
	if err != nil {
		return err
	}
	return e.r().Validate(cfg, e.format == "text")
}
