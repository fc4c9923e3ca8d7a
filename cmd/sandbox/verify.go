package main

import "github.com/spf13/cobra"

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
		Example: `  sandbox verify /run/sandbox/.projects/dev/.receipts/web.json
  sandbox verify receipts/web.json --var port=8080 web.hcl`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.r().Verify(args[0], args[1:], e.loadOptions())
		},
	})
}
