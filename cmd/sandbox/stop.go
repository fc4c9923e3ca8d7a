package main

import (
	"time"

	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/state"
	"github.com/hclsandbox/sandbox/slurm"
	"github.com/spf13/cobra"
)

func newStopCmd(e *env) *cobra.Command {
	var all bool
	var sigName string
	var timeout time.Duration
	var on string
	cmd := &cobra.Command{
		Use:   "stop NAME... | --all",
		Short: "Stop running sandboxes gracefully",
		Example: `  sudo sandbox stop web
  sudo sandbox stop --all --timeout 3s
  sandbox stop --on slurm worker`,
		Long: `Stop sandboxes started by any 'sandbox up' or 'sandbox run': send the stop
signal (SIGTERM) to each one's first process and, if it still runs after the
stop timeout (10s), SIGKILL everything in its cgroup. Returns once each
sandbox's launcher has cleaned up after it.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if all == (len(args) > 0) {
				return exitf(exitUsage, "stop takes sandbox names or --all")
			}
			if remote, err := onSlurm(on); err != nil || remote {
				if err != nil {
					return err
				}
				return slurm.StopNamed(cmd.Context(), slurm.Exec, e.stdout, e.stderr, args, all)
			}
			o := state.StopOptions{Timeout: -1}
			if cmd.Flags().Changed("timeout") {
				o.Timeout = timeout
			}
			if sigName != "" {
				sig, err := launcher.ParseSignal(sigName)
				if err != nil {
					return exitf(exitUsage, "--signal: %v", err)
				}
				o.Signal = sig
			}
			return e.stateDir().StopAll(e.stdout, e.stderr, args, all, o)
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "stop every recorded sandbox")
	cmd.Flags().StringVar(&on, "on", "", "cancel the jobs of up --on slurm instead (scancel)")
	cmd.Flags().StringVarP(&sigName, "signal", "s", "", "signal to send first, instead of the sandbox's stop signal")
	cmd.Flags().DurationVarP(&timeout, "timeout", "t", 0, "wait this long before SIGKILL, instead of the sandbox's stop timeout")
	return cmd
}
