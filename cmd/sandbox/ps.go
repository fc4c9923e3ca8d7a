package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/state"
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
				return e.psSlurm(asJSON)
			}
			sts, err := e.stateDir().Statuses(time.Now())
			if err != nil {
				return exitf(exitSetup, "ps: %v", err)
			}
			if asJSON {
				b, _ := json.MarshalIndent(sts, "", "  ")
				fmt.Fprintf(e.stdout, "%s\n", b)
				return nil
			}
			printStatuses(e, sts)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array")
	cmd.Flags().StringVar(&on, "on", "", "list the jobs of up --on slurm instead (squeue)")
	return cmd
}

func printStatuses(e *env, sts []state.Status) {
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tPID\tSTATUS\tUPTIME\tMEMORY\tCPU\tCONFIG")
	for _, s := range sts {
		fmt.Fprintf(w, "%s\t%d\t%s\t%s\t%s\t%.2fs\t%s\n", s.Name, s.Pid, s.State, s.Uptime,
			launcher.FormatSize(s.Memory), s.CPUTime.Seconds(), s.ConfigFile)
	}
	w.Flush()
}
