package main

import (
	"errors"
	"io"
	"os"

	"github.com/hclsandbox/sandbox/internal/exitcode"
	"github.com/hclsandbox/sandbox/launcher/receipt"
	"github.com/hclsandbox/sandbox/launcher/relay"
	"github.com/hclsandbox/sandbox/launcher/runner"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/spf13/cobra"
)

// env is what the commands read and write, so tests can run them in-process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// color is true when stderr is a terminal and NO_COLOR is unset.
	color bool
	// lookupEnv reads the caller's environment (SANDBOX_VAR_*, env()).
	lookupEnv func(string) (string, bool)
	// probeHost returns the facts plans depend on; tests fake it.
	probeHost func() *launcher.Host

	// Flags shared by several commands.
	format   string   // diagnostics: "text" or "json"
	vars     []string // --var NAME=VALUE
	varFiles []string // --var-file FILE
	// project is --project or $SANDBOX_PROJECT; projectName the project
	// that the command's state was scoped to (runner.Runner.Project).
	project, projectName string

	// up -d: detached is set in the supervisor, which reports each
	// sandbox's start to the command that detached it through ready.
	detached bool
	ready    *runner.Readiness

	// receipts gathers the receipts of the sandboxes this command runs.
	receipts receipt.Book
}

// Main runs the command line and returns the process exit code.
func Main(args []string) int {
	return newEnv().main(args)
}

// newEnv is the environment of the real process.
func newEnv() *env {
	return &env{
		stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr,
		color:     relay.WantColor(os.Stderr),
		lookupEnv: os.LookupEnv,
		probeHost: launcher.ProbeHost,
	}
}

// main runs one command line in e and returns the exit code.
func (e *env) main(args []string) int {
	root := newRootCmd(e, args)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var xe *exitcode.Error
	if errors.As(err, &xe) {
		if xe.Msg != "" {
			e.printError(xe.Msg)
		}
		return xe.Code
	}
	e.printError(err.Error())
	return exitUsage
}

// newRootCmd makes the command tree for the command line args: only the
// command args select, or every command (nil args: every command).
func newRootCmd(e *env, args []string) *cobra.Command {
	root := &cobra.Command{
		Use:   "sandbox",
		Short: "Run sandboxes declared in HCL files",
		Long: `sandbox runs the sandboxes declared in HCL files, each as an isolated process
tree: its own namespaces and root filesystem.

` + exitCodesHelp,
		Example: `  sandbox validate examples
  sandbox plan examples/hello.hcl
  sudo sandbox up examples/hello.hcl
  sudo sandbox run examples/busybox.hcl busybox -- /bin/sh`,
		Version:       runner.VersionText(version),
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if e.format != "text" && e.format != "json" {
				return exitf(exitUsage, "--format must be text or json, not %q", e.format)
			}
			return e.checkProject()
		},
	}
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.SetFlagErrorFunc(flagValueError)
	root.SetVersionTemplate("sandbox {{.Version}}\n")
	root.PersistentFlags().StringVar(&e.format, "format", "text", "diagnostics format: text, or json (one object per line)")
	root.PersistentFlags().StringVar(&e.project, "project", "", "the project whose sandboxes to act on (default: $SANDBOX_PROJECT, the files' project, their directory's name)")
	if addCommands(e, root, args) {
		addCompletionExamples(root)
	} else {
		// cobra's completion command is selected by its own name, which
		// builds every command: a line that runs one of ours never needs it.
		root.CompletionOptions.DisableDefaultCmd = true
	}
	e.addNameCompletion(root)
	return root
}

// addVarFlags adds --var and --var-file to a command that loads configuration.
func (e *env) addVarFlags(cmd *cobra.Command) *cobra.Command {
	cmd.Flags().StringArrayVar(&e.vars, "var", nil, "set a variable: NAME=VALUE (repeatable; wins over everything else)")
	cmd.Flags().StringArrayVar(&e.varFiles, "var-file", nil, "read variables from a file of NAME = VALUE lines (repeatable)")
	return cmd
}

// loadOptions are the config.Options the flags and environment give.
func (e *env) loadOptions() config.Options {
	return config.Options{Vars: e.vars, VarFiles: e.varFiles, LookupEnv: e.lookupEnv}
}

// addReceiptFlag adds --receipt to a command that runs sandboxes.
func (e *env) addReceiptFlag(cmd *cobra.Command) *cobra.Command {
	cmd.Flags().StringVar(&e.receipts.Dir, "receipt", "", "also write each sandbox's receipt into `DIR`, as NAME.json")
	return cmd
}
