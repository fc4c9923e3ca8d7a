package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"

	"github.com/hclsandbox/sandbox/launcher/relay"

	"github.com/hclsandbox/sandbox/isolation"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/state"
	"github.com/hclsandbox/sandbox/launcher/supervise"
	"github.com/spf13/cobra"
)

// execOptions are exec's -i and -t, as docker's.
type execOptions struct {
	interactive bool // pass stdin on
	tty         bool // a terminal of the sandbox's own devpts
}

func newExecCmd(e *env) *cobra.Command {
	var req launcher.ExecRequest
	var o execOptions
	cmd := &cobra.Command{
		Use:   "exec NAME [--] CMD [ARGS...]",
		Short: "Run a command inside a running sandbox",
		Example: `  sudo sandbox exec web -- ps
  sudo sandbox exec -it web /bin/sh
  sudo sandbox exec -e DEBUG=1 -w /app web -- /bin/sh -c 'echo $DEBUG'`,
		Long: `Run a command inside a running sandbox: in all its namespaces and its cgroup,
with its capabilities, seccomp filter and user, its environment (plus --env)
and its working directory (or --workdir). Its output goes to this command's
standard output and error; its standard input is empty unless --interactive
passes this command's on. With --tty it gets a terminal of its own (in the
sandbox's /dev/pts), its output on standard output; on a terminal, -it makes
an interactive shell with job control. The command gets pipes or that
terminal, which this command relays, never this command's own files.
Signals are passed on to it, and this command exits with its exit code once
its output is relayed. The sandbox's init starts the command, so the sandbox
needs one (init = true, the default for shells).`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			req.Args = args[1:]
			if req.Args[0] == "--" {
				req.Args = req.Args[1:]
			}
			if len(req.Args) == 0 {
				return exitf(exitUsage, "exec takes NAME and a command")
			}
			return e.exec(args[0], req, o)
		},
	}
	cmd.Flags().SetInterspersed(false)
	cmd.Flags().StringArrayVarP(&req.Env, "env", "e", nil, "add KEY=VALUE to the command's environment (repeatable)")
	cmd.Flags().StringVarP(&req.Cwd, "workdir", "w", "", "working directory inside the sandbox")
	cmd.Flags().BoolVarP(&o.interactive, "interactive", "i", false, "pass standard input on to the command")
	cmd.Flags().BoolVarP(&o.tty, "tty", "t", false, "give the command a terminal of the sandbox's own")
	return cmd
}

func (e *env) exec(name string, req launcher.ExecRequest, o execOptions) error {
	if err := state.CheckName(name); err != nil {
		return exitf(exitUsage, "exec: %v", err)
	}
	req.Stdout, req.Stderr = e.stdout, e.stderr
	if o.interactive {
		req.Stdin = e.stdin
	}
	tty := relay.Terminal(e.stdin)
	if o.tty {
		req.Terminal = &launcher.Winsize{} // the kernel's default: unset
		if tty != nil {
			if ws := relay.WindowSize(tty); ws != nil {
				req.Terminal = ws
			}
		}
	}
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, supervise.Forwarded...)
	defer signal.Stop(sigs)
	x, err := launcher.Exec(e.stateDir(), name, req)
	if err != nil {
		return execFailed(e, err)
	}
	if o.tty && tty != nil {
		// Raw only with input: without it, Ctrl-C must stay this
		// command's, to be passed on as SIGINT.
		defer relay.AttachTerminal(tty, x, o.interactive)()
	}
	code, err := x.Wait(sigs)
	if err != nil {
		fmt.Fprintf(e.stderr, "sandbox: %v\n", err)
		if code == 0 {
			code = exitSetup
		}
	}
	if code != 0 {
		return exitCode(code)
	}
	return nil
}

// execFailed reports a command that did not start: with the exit code of
// its failed step (127 not found, 126 not executable), else 125.
func execFailed(e *env, err error) error {
	if errors.Is(err, state.ErrNotRunning) {
		return exitf(exitSetup, "%v", err)
	}
	fmt.Fprintf(e.stderr, "sandbox: %v\n", err)
	var stepErr *isolation.StepError
	if errors.As(err, &stepErr) {
		return exitCode(stepErr.ExitCode())
	}
	return exitCode(exitSetup)
}
