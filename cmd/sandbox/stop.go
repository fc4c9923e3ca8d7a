package main

import (
	"time"

	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/state"
	"github.com/hclsandbox/sandbox/slurm"
	"github.com/spf13/cobra"
)

func newStopCmd(e *env) *cobra.Command {
	var all, allProjects bool
	var on string
	var so stopFlags
	cmd := &cobra.Command{
		Use:   "stop NAME... | --all | --all-projects",
		Short: "Stop running sandboxes gracefully",
		Example: `  sudo sandbox stop web
  sudo sandbox stop --all --timeout 3s
  sudo sandbox stop --all-projects
  sandbox stop --on slurm worker`,
		Long: `Stop sandboxes of the project started by any 'sandbox up' or 'sandbox run':
send the stop signal (SIGTERM) to each one's first process and, if it still
runs after the stop timeout (10s), SIGKILL everything in its cgroup. Returns
once each sandbox's launcher has cleaned up after it. The project is
--project, $SANDBOX_PROJECT, the project attribute of ./*.hcl, or the
working directory's name; --all stops all of its sandboxes, --all-projects
every sandbox of every project. A detached sandbox's log is kept until
'sandbox down' or 'sandbox gc'.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if (all || allProjects) == (len(args) > 0) {
				return exitf(exitUsage, "stop takes sandbox names, --all or --all-projects")
			}
			if remote, err := onSlurm(on); err != nil || remote {
				if err != nil {
					return err
				}
				return slurm.StopNamed(cmd.Context(), slurm.Exec, e.stdout, e.stderr, args, all || allProjects)
			}
			o, err := so.options(cmd)
			if err != nil {
				return err
			}
			if allProjects {
				return e.stateDir().StopAllProjects(e.stdout, e.stderr, o)
			}
			d, err := e.projectState(nil)
			if err != nil {
				return err
			}
			return d.StopAll(e.stdout, e.stderr, args, all, o)
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "stop every sandbox of the project")
	cmd.Flags().BoolVar(&allProjects, "all-projects", false, "stop every sandbox of every project")
	cmd.Flags().StringVar(&on, "on", "", "cancel the jobs of up --on slurm instead (scancel)")
	so.add(cmd)
	return cmd
}

// stopFlags are --signal and --timeout, of stop and down.
type stopFlags struct {
	sigName string
	timeout time.Duration
}

func (f *stopFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVarP(&f.sigName, "signal", "s", "", "signal to send first, instead of the sandbox's stop signal")
	cmd.Flags().DurationVarP(&f.timeout, "timeout", "t", 0, "wait this long before SIGKILL, instead of the sandbox's stop timeout")
}

// options are the state.StopOptions the flags give.
func (f *stopFlags) options(cmd *cobra.Command) (state.StopOptions, error) {
	o := state.StopOptions{Timeout: -1}
	if cmd.Flags().Changed("timeout") {
		o.Timeout = f.timeout
	}
	if f.sigName != "" {
		sig, err := launcher.ParseSignal(f.sigName)
		if err != nil {
			return o, exitf(exitUsage, "--signal: %v", err)
		}
		o.Signal = sig
	}
	return o, nil
}
