package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"

	"github.com/hclsandbox/sandbox/launcher"
	"github.com/spf13/cobra"
)

func newExecCmd(e *env) *cobra.Command {
	var req launcher.ExecRequest
	cmd := &cobra.Command{
		Use:   "exec NAME [--] CMD [ARGS...]",
		Short: "Run a command inside a running sandbox",
		Example: `  sudo sandbox exec web -- ps
  sudo sandbox exec -e DEBUG=1 -w /app web -- /bin/sh`,
		Long: `Run a command inside a running sandbox: in all its namespaces and its cgroup,
with its capabilities, seccomp filter and user, its environment (plus --env)
and its working directory (or --workdir). The command gets this command's
standard input, output and error; signals are passed on to it, and this
command exits with its exit code. The sandbox's init starts the command, so
the sandbox needs one (init = true, the default for shells).`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			req.Args = args[1:]
			if req.Args[0] == "--" {
				req.Args = req.Args[1:]
			}
			if len(req.Args) == 0 {
				return exitf(exitUsage, "exec takes NAME and a command")
			}
			return e.exec(args[0], req)
		},
	}
	cmd.Flags().SetInterspersed(false)
	cmd.Flags().StringArrayVarP(&req.Env, "env", "e", nil, "add KEY=VALUE to the command's environment (repeatable)")
	cmd.Flags().StringVarP(&req.Cwd, "workdir", "w", "", "working directory inside the sandbox")
	return cmd
}

func (e *env) exec(name string, req launcher.ExecRequest) error {
	if err := launcher.CheckName(name); err != nil {
		return exitf(exitUsage, "exec: %v", err)
	}
	for i, v := range []any{e.stdin, e.stdout, e.stderr} {
		f, ok := v.(*os.File)
		if !ok {
			return exitf(exitSetup, "exec needs file descriptors for its standard streams")
		}
		req.Stdio[i] = f
	}
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, forwarded...)
	defer signal.Stop(sigs)
	code, err := e.stateDir().Exec(name, req, sigs)
	if errors.Is(err, launcher.ErrNotRunning) {
		return exitf(exitSetup, "%v", err)
	}
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
