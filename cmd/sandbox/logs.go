package main

import "github.com/spf13/cobra"

func newLogsCmd(e *env) *cobra.Command {
	var follow bool
	var tail int
	cmd := &cobra.Command{
		Use:   "logs [-f] [--tail N] NAME",
		Short: "Print a detached sandbox's output",
		Example: `  sudo sandbox logs web
  sudo sandbox logs -f --tail 20 web`,
		Long: `Print the output (stdout and stderr together) of a sandbox of the project
started with 'sandbox up -d', kept in its state directory with a size cap and one
rotation. With -f, keep printing what it writes until it ends.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := e.projectState(nil)
			if err != nil {
				return err
			}
			return d.Logs(e.stdout, args[0], tail, follow)
		},
	}
	cmd.Flags().BoolVarP(&follow, "follow", "f", false, "keep printing new output until the sandbox ends")
	cmd.Flags().IntVarP(&tail, "tail", "n", -1, "print only the last N lines (default all)")
	return cmd
}
