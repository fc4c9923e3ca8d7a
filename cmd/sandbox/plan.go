package main

import "github.com/spf13/cobra"

func newPlanCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := e.addVarFlags(&cobra.Command{
		Use:   "plan [FILE|DIR]... [NAME]...",
		Short: "Print the isolation steps of each sandbox without running it",
		Long: `Print, for every sandbox (or only the named ones), the steps the child
performs in order: namespaces, the root, each mount with its flags,
pivot_root, the hostname and the final argv, environment and working
directory. With --json, print the exact plans the launcher hands to the
child, as a JSON array. Needs no privileges and starts nothing.

A word that names an existing file or directory is a configuration; any
other word is a sandbox name. With no file, ./*.hcl is loaded.

Exit codes: 0 success, 1 invalid configuration, unknown name or a sandbox
that cannot start here (its seccomp filter does not compile), 2 invalid
command line.`,
		Example: `  sandbox plan examples/hello.hcl
  sandbox plan examples busybox --json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.plan(args, asJSON)
		},
	})
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the plans as JSON")
	return cmd
}

func (e *env) plan(args []string, asJSON bool) error {
	collectLess()
	paths, names := splitArgs(args)
	cfg, sbs, err := e.loadSandboxes(paths, names)
	if err != nil {
		return err
	}
	return e.r().Plan(cfg, sbs, asJSON)
}
