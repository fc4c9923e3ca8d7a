package main

import "github.com/spf13/cobra"

func newGCCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "gc",
		Short: "Clean up after sandboxes whose launcher is gone",
		Example: `  sudo sandbox gc
  sudo sandbox gc --json`,
		Long: `Remove the records, cgroups and host mounts of sandboxes whose supervising
launcher is gone (killed, or the machine rebooted), first killing whatever
still runs in their cgroups. A process is never signalled by pid unless its
start time matches the record. Sandboxes whose launcher runs are left alone.
Records live in $SANDBOX_RUN (default /run/sandbox); gc goes through every
project's.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			rep, err := e.stateDir().GCAll(cmd.Context())
			rep.Write(e.stdout, asJSON)
			if err != nil {
				return exitf(exitSetup, "gc: %v", err)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the counts as JSON")
	return cmd
}
