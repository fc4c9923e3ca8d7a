package main

import (
	"github.com/hclsandbox/sandbox/launcher/runner"
	"github.com/spf13/cobra"
)

func newFmtCmd(e *env) *cobra.Command {
	var o runner.FmtOptions
	cmd := &cobra.Command{
		Use:   "fmt [FILE|DIR]...",
		Short: "Rewrite configuration files in canonical form",
		Long: `Rewrite the given files, and the *.hcl and *.vars files of the given
directories (the current directory when none is given), in canonical form.
A file with a syntax error is reported and left alone.

With --check, write nothing; list the files that would change and exit 1
if there is any. With --diff, print the changes as a unified diff.

Exit codes: 0 success, 1 a file would change (--check) or does not parse,
2 invalid command line.`,
		Example: `  sandbox fmt
  sandbox fmt --check --diff examples`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.r().Fmt(args, o)
		},
	}
	cmd.Flags().BoolVar(&o.Check, "check", false, "write nothing; list files that would change and exit 1 if any")
	cmd.Flags().BoolVar(&o.Diff, "diff", false, "print the changes as a unified diff")
	return cmd
}
