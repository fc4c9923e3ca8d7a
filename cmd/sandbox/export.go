package main

import "github.com/spf13/cobra"

func newExportCmd(e *env) *cobra.Command {
	export := &cobra.Command{
		Use:   "export",
		Short: "Write a sandbox in a format other engines run",
		Long: `Write a sandbox in a format that other engines run, made from the same plan
that run and up use. Everything the format cannot express is printed as a
warning on standard error.`,
		Example: `  sandbox export oci examples/busybox.hcl busybox --out /tmp/busybox-bundle`,
	}
	export.AddCommand(newExportOCICmd(e))
	export.AddCommand(newExportLineCmds(e)...)
	return export
}

func newExportOCICmd(e *env) *cobra.Command {
	var out string
	cmd := e.addVarFlags(&cobra.Command{
		Use:   "oci [FILE|DIR]... NAME --out DIR",
		Short: "Write one sandbox as an OCI runtime bundle",
		Long: `Write one sandbox as an OCI runtime bundle in DIR: config.json, made from the
sandbox's plan (namespaces, mounts, cgroup limits, rlimits, capabilities,
seccomp rules, masked and read-only paths, hostname, user, environment,
working directory and command), and its root filesystem. A rootfs directory
is referenced by its absolute path; a tarball is unpacked into DIR/rootfs,
without its device nodes and with no setuid or setgid bit; the host view
becomes an empty DIR/rootfs with read-only binds of the host's system
directories. DIR is made, or must be an empty directory of your own. Run
the bundle with runc run or crun run.

Parts of the plan that OCI cannot express (the timeout, the init, an
ephemeral overlay root, ...) are printed as warnings, never dropped silently.

Exit codes: 0 success, 1 invalid configuration or unknown name, 2 invalid
command line, 125 the bundle could not be written.`,
		Example: `  sandbox export oci examples/busybox.hcl busybox --out /tmp/bb
  sudo runc run --bundle /tmp/bb bb1`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return exitf(exitUsage, "export oci needs --out DIR")
			}
			return e.exportOCI(args, out)
		},
	})
	cmd.Flags().StringVar(&out, "out", "", "the bundle directory to write (created; if it exists, it must be yours and empty)")
	return cmd
}

func (e *env) exportOCI(args []string, out string) error {
	paths, names := splitArgs(args)
	if len(names) != 1 {
		return exitf(exitUsage, "export oci takes one sandbox NAME, got %d", len(names))
	}
	return e.r().ExportOCI(paths, names[0], out, e.loadOptions())
}
