package main

import (
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/spf13/cobra"
)

func newExecCmd(e *env) *cobra.Command {
	var req launcher.ExecRequest
	var interactive, tty bool
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
			return e.r().Exec(args[0], req, interactive, tty)
		},
	}
	cmd.Flags().SetInterspersed(false)
	cmd.Flags().StringArrayVarP(&req.Env, "env", "e", nil, "add KEY=VALUE to the command's environment (repeatable)")
	cmd.Flags().StringVarP(&req.Cwd, "workdir", "w", "", "working directory inside the sandbox")
	cmd.Flags().BoolVarP(&interactive, "interactive", "i", false, "pass standard input on to the command")
	cmd.Flags().BoolVarP(&tty, "tty", "t", false, "give the command a terminal of the sandbox's own")
	return cmd
}
