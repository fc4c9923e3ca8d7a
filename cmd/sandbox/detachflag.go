package main

import (
	"os"

	"github.com/hclsandbox/sandbox/launcher/runner"
	"github.com/spf13/cobra"
)

// addDetachFlag gives up its -d flag: the command re-executes itself as a
// supervisor in a session of its own, prints what started, and returns.
func (e *env) addDetachFlag(cmd *cobra.Command) *cobra.Command {
	var detach bool
	run := cmd.RunE
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if v, _ := e.lookupEnv(runner.DetachedEnv); v == "1" {
			e.detached = true
			e.ready = runner.NewReadiness(os.NewFile(runner.ReadyFD, "ready"))
		} else if detach {
			return e.r().Detach()
		}
		return run(c, args)
	}
	cmd.Flags().BoolVarP(&detach, "detach", "d", false,
		"run in the background; output goes to each sandbox's log ('sandbox logs NAME')")
	return cmd
}
