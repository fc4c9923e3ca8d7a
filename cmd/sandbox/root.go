package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// env is what the commands read and write, so tests can run them in-process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// color is true when stderr is a terminal and NO_COLOR is unset.
	color bool
}

// Main runs the command line and returns the process exit code.
func Main(args []string) int {
	e := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, color: wantColor(os.Stderr)}
	root := newRootCmd(e)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintf(e.stderr, "sandbox: %s\n", ee.msg)
		}
		return ee.code
	}
	fmt.Fprintf(e.stderr, "sandbox: %v\n", err)
	return exitUsage
}

func newRootCmd(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "sandbox",
		Short: "Run sandboxes declared in HCL files",
		Long: `sandbox runs the sandboxes declared in HCL files, each as an isolated process
tree: its own namespaces and root filesystem.

` + exitCodesHelp,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return exitf(exitUsage, "%v (see '%s --help')", err, c.CommandPath())
	})
	root.AddCommand(newUpCmd(e), newRunCmd(e), newLockCmd(e))
	return root
}

// wantColor reports whether output to f should be colored.
func wantColor(f *os.File) bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
