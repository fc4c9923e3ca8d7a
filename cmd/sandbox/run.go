package main

import (
	"github.com/hclsandbox/sandbox/launcher/runner"
	"github.com/spf13/cobra"
)

func newRunCmd(e *env) *cobra.Command {
	return e.addReceiptFlag(e.addVarFlags(&cobra.Command{
		Use:   "run FILE NAME [-- ARGS...]",
		Short: "Run one sandbox attached to the terminal",
		Long: `Run one sandbox attached to the caller's standard input, output and error, and
exit with its exit code. ARGS, when given, replace the sandbox's command. The
sandbox gets pipes that this command relays, never the caller's own files; on
a terminal, it gets a terminal of its own (its own /dev/pts), relayed in raw
mode, so that job control and tty work inside.

` + exitCodesHelp,
		Example: `  sandbox run examples/busybox.hcl busybox
  sandbox run examples/busybox.hcl busybox -- /bin/sh`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			runner.WatchSignals() // while the configuration loads
			if len(args) == 1 || cmd.ArgsLenAtDash() == 1 {
				return e.r().RunWantsName(args[0], e.loadOptions())
			}
			var extra []string
			if n := cmd.ArgsLenAtDash(); n >= 0 {
				if n != 2 {
					return exitf(exitUsage, "run takes FILE NAME before --, got %d words", n)
				}
				extra = args[2:]
			} else if len(args) != 2 {
				return exitf(exitUsage, "run takes FILE NAME; put the command after --")
			}
			return e.startR().RunAttached(args[0], args[1], extra, e.loadOptions())
		},
	}))
}
