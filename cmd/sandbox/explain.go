package main

import "github.com/spf13/cobra"

func newExplainCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := e.addVarFlags(&cobra.Command{
		Use:   "explain [FILE|DIR]... NAME WHAT",
		Short: "Say why a sandbox is the way it is, with the line of every decision",
		Long: `Explain one thing about a sandbox and every decision that made it so, each
with the file:line:col where it was made:

  a path inside the sandbox (/etc/shadow, /data): masked, which mount shows
      it and which block asked for it, the rootfs, or absent from the host view
  an attribute (limits.memory, hostname): its expression, the variables and
      locals it reads with the layer each value came from (default, a
      variables file, SANDBOX_VAR_NAME, --var), and the cgroup files written
  a syscall (mount): what the sandbox's seccomp filter decides for it, run
      on the filter itself, and which setting decided
  a capability (CAP_SYS_ADMIN): kept or dropped, and why
  a port (8080, 53/udp): published or not, and where

WHAT is always the last word. The plan is the one plan and run use.

Exit codes: 0 success, 1 invalid configuration, unknown name or a WHAT
that names nothing, 2 invalid command line.`,
		Example: `  sandbox explain examples/hello.hcl hello /etc/shadow
  sandbox explain examples/limits.hcl capped limits.memory --var mem=256MiB
  sandbox explain examples/hello.hcl hello mount --json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.explain(args, asJSON)
		},
	})
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the answer as JSON")
	return cmd
}

func (e *env) explain(args []string, asJSON bool) error {
	if len(args) < 2 {
		return exitf(exitUsage, "explain takes a sandbox NAME and WHAT to explain")
	}
	what := args[len(args)-1]
	paths, names := splitArgs(args[:len(args)-1])
	if len(names) != 1 {
		return exitf(exitUsage, "explain takes one sandbox NAME, got %d", len(names))
	}
	a, err := e.r().Explain(paths, names[0], what, e.loadOptions())
	if err != nil {
		return err
	}
	return a.Write(e.stdout, asJSON)
}
