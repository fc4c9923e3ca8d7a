package main

import "github.com/spf13/cobra"

func newDownCmd(e *env) *cobra.Command {
	var so stopFlags
	cmd := &cobra.Command{
		Use:   "down [FILE|DIR]...",
		Short: "Stop a project's sandboxes and remove what they leave",
		Example: `  sudo sandbox down
  sudo sandbox down dev.hcl
  sudo sandbox down --project dev --timeout 3s`,
		Long: `Stop every sandbox of the project, as 'sandbox stop' does, and remove
everything they leave: records, logs, cgroups, network wiring (veth pairs,
leases, bridges and nftables tables once no sandbox is on them) and the
project's state directory. The project is the one the files name (only
their project attribute is read), --project, $SANDBOX_PROJECT, or their
directory's name; with no file, ./*.hcl and the working directory. Prints a
line per sandbox; with none, says so and exits 0.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o, err := so.options(cmd)
			if err != nil {
				return err
			}
			d, err := e.projectState(args)
			if err != nil {
				return err
			}
			return d.Down(cmd.Context(), e.stdout, e.stderr, o)
		},
	}
	so.add(cmd)
	return cmd
}
