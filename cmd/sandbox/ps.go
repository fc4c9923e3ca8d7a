package main

import (
	"time"

	"github.com/hclsandbox/sandbox/launcher/report"
	"github.com/hclsandbox/sandbox/slurm"
	"github.com/spf13/cobra"
)

func newPsCmd(e *env) *cobra.Command {
	var asJSON bool
	var on string
	cmd := &cobra.Command{
		Use:   "ps",
		Short: "List running sandboxes",
		Example: `  sudo sandbox ps
  sudo sandbox ps --json
  sandbox ps --on slurm`,
		Long: `List the sandboxes recorded in $SANDBOX_RUN (default /run/sandbox), whichever
launcher started them: name, pid of the first process, status, uptime, memory
in use and CPU time used so far (from the sandbox's cgroup) and config file.
A "stale" sandbox's launcher is gone; 'sandbox gc' cleans it up.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if remote, err := onSlurm(on); err != nil || remote {
				if err != nil {
					return err
				}
				return slurm.PS(cmd.Context(), slurm.Exec, e.stdout, asJSON)
			}
			sts, err := e.stateDir().Statuses(time.Now())
			if err != nil {
				return exitf(exitSetup, "ps: %v", err)
			}
			report.WriteStatuses(e.stdout, sts, asJSON)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array")
	cmd.Flags().StringVar(&on, "on", "", "list the jobs of up --on slurm instead (squeue)")
	return cmd
}
