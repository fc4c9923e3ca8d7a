package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"

	"github.com/hclsandbox/sandbox/launcher/state"
	"github.com/spf13/cobra"
)

func newLogsCmd(e *env) *cobra.Command {
	var follow bool
	var tail int
	cmd := &cobra.Command{
		Use:   "logs [-f] [--tail N] NAME",
		Short: "Print a detached sandbox's output",
		Example: `  sudo sandbox logs web
  sudo sandbox logs -f --tail 20 web`,
		Long: `Print the output (stdout and stderr together) of a sandbox started with
'sandbox up -d', kept in its state directory with a size cap and one
rotation. With -f, keep printing what it writes until it ends.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.logs(args[0], tail, follow)
		},
	}
	cmd.Flags().BoolVarP(&follow, "follow", "f", false, "keep printing new output until the sandbox ends")
	cmd.Flags().IntVarP(&tail, "tail", "n", -1, "print only the last N lines (default all)")
	return cmd
}

func (e *env) logs(name string, tail int, follow bool) error {
	d := e.stateDir()
	dir, err := d.Dir(name)
	if err != nil {
		return exitf(exitUsage, "logs: %v", err)
	}
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return e.noSandbox("logs", name)
	}
	if _, err := os.Stat(filepath.Join(dir, state.LogFile)); err != nil {
		return exitf(exitInvalidConfig, "no log for sandbox %s (only sandboxes started with up -d have one)", name)
	}
	offset, err := state.Tail(dir, tail, e.stdout)
	if err != nil || !follow {
		return logsErr(err)
	}
	running := func() bool {
		r, err := d.Read(name)
		return err == nil && r.Live()
	}
	return logsErr(state.Follow(context.Background(), dir, offset, e.stdout, running))
}

func logsErr(err error) error {
	if err != nil {
		return exitf(exitSetup, "logs: %v", err)
	}
	return nil
}
