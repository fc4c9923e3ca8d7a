package main

import (
	"fmt"

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
			if len(args) == 1 || cmd.ArgsLenAtDash() == 1 {
				return e.runWantsName(args[0])
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
			return e.run(args[0], args[1], extra)
		},
	}))
}

func (e *env) run(file, name string, args []string) error {
	cfg, s, err := e.loadOne([]string{file}, name, "run")
	if err != nil {
		return err
	}
	res, err := e.r().Run("run", cfg, s, args)
	if err != nil {
		return err
	}
	if res.OOMKilled || res.TimedOut || (res.Usage != nil && res.Usage.OOMKills > 0) {
		fmt.Fprintf(e.stderr, "sandbox: %s: %s\n", res.Name, res.Describe())
	}
	if res.ExitCode != 0 {
		return exitCode(res.ExitCode)
	}
	return nil
}
