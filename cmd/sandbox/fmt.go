package main

import (
	"bytes"
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hclsandbox/sandbox/config"
	"github.com/rogpeppe/go-internal/diff"
	"github.com/spf13/cobra"
)

// fmtOptions are the flags of `sandbox fmt`.
type fmtOptions struct {
	check bool // report, do not write
	diff  bool // print a diff of each change
}

func newFmtCmd(e *env) *cobra.Command {
	var o fmtOptions
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
			return e.fmt(args, o)
		},
	}
	cmd.Flags().BoolVar(&o.check, "check", false, "write nothing; list files that would change and exit 1 if any")
	cmd.Flags().BoolVar(&o.diff, "diff", false, "print the changes as a unified diff")
	return cmd
}

func (e *env) fmt(args []string, o fmtOptions) error {
	if len(args) == 0 {
		args = []string{"."}
	}
	files, err := config.FormatFiles(args)
	if err != nil {
		return exitf(exitInvalidConfig, "%v", err)
	}
	failed, changed := false, false
	for _, name := range files {
		c, err := e.fmtFile(name, o)
		if err != nil {
			failed = true
		}
		changed = changed || c
	}
	if failed || (o.check && changed) {
		return exitCode(exitInvalidConfig)
	}
	return nil
}

// fmtFile formats one file and reports whether it changed (or would).
func (e *env) fmtFile(name string, o fmtOptions) (bool, error) {
	src, err := config.ReadSource(name)
	if err != nil {
		fmt.Fprintf(e.stderr, "sandbox: %v\n", err)
		return false, err
	}
	out, diags := config.Format(src, name)
	if diags.HasErrors() {
		e.printDiags(diags, map[string]*hcl.File{name: {Bytes: src}})
		return false, diags
	}
	if bytes.Equal(src, out) {
		return false, nil
	}
	fmt.Fprintln(e.stdout, name)
	if o.diff {
		e.stdout.Write(diff.Diff(name, src, name+" (formatted)", out))
	}
	if o.check {
		return true, nil
	}
	if err := config.WriteKeepMode(name, out); err != nil {
		fmt.Fprintf(e.stderr, "sandbox: %v\n", err)
		return true, err
	}
	return true, nil
}
