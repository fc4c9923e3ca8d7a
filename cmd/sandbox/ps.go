package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/hclsandbox/sandbox/launcher/report"
	"github.com/hclsandbox/sandbox/launcher/state"
	"github.com/hclsandbox/sandbox/slurm"
	"github.com/spf13/cobra"
)

func newPsCmd(e *env) *cobra.Command {
	var asJSON, allProjects bool
	var on string
	cmd := &cobra.Command{
		Use:   "ps",
		Short: "List running sandboxes",
		Example: `  sudo sandbox ps
  sudo sandbox ps --json
  sudo sandbox ps --all-projects
  sandbox ps --on slurm`,
		Long: `List the sandboxes of the project recorded in $SANDBOX_RUN (default
/run/sandbox), whichever launcher started them: name, pid of the first
process, status, uptime, memory in use and CPU time used so far (from the
sandbox's cgroup) and config file. The project is --project,
$SANDBOX_PROJECT, the project attribute of ./*.hcl, or the working
directory's name; --all-projects lists every project's, with a PROJECT
column. A "stale" sandbox's launcher is gone; 'sandbox gc' cleans it up.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if remote, err := onSlurm(on); err != nil || remote {
				if err != nil {
					return err
				}
				return slurm.PS(cmd.Context(), slurm.Exec, e.stdout, asJSON)
			}
			sts, err := e.statuses(allProjects)
			if err != nil {
				return err
			}
			report.WriteStatuses(e.stdout, sts, asJSON)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array")
	cmd.Flags().BoolVar(&allProjects, "all-projects", false, "list the sandboxes of every project")
	cmd.Flags().StringVar(&on, "on", "", "list the jobs of up --on slurm instead (squeue)")
	return cmd
}

// statuses are the sandboxes of the project, or of every project.
func (e *env) statuses(allProjects bool) ([]state.Status, error) {
	d := e.stateDir()
	list := d.AllStatuses
	if !allProjects {
		var err error
		if d, err = e.projectState(nil); err != nil {
			return nil, err
		}
		list = d.Statuses
	}
	sts, err := list(time.Now())
	if err != nil {
		return nil, exitf(exitSetup, "ps: %v", err)
	}
	if others := d.Elsewhere(""); len(sts) == 0 && !allProjects && len(others) > 0 {
		fmt.Fprintf(e.stderr, "sandbox: no sandbox in project %s; ps --all-projects lists those of %s\n", d.Project, strings.Join(others, ", "))
	}
	return sts, nil
}
