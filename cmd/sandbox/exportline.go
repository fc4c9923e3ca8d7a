package main

import (
	"github.com/hclsandbox/sandbox/launcher/export"
	"github.com/spf13/cobra"
)

// exportLineHelp is what each command-line target says of itself.
var exportLineHelp = map[string]struct{ short, long, example string }{
	"bwrap": {
		short: "Print the bubblewrap command line that runs one sandbox",
		long: `Print the bwrap (bubblewrap) command line that isolates the sandbox as its
plan says: namespaces, the root, /proc, /dev, tmpfs and configured mounts,
masked and read-only paths, hostname, environment, working directory and
capabilities. bwrap loads a seccomp filter from a descriptor: with
--seccomp-out FILE the compiled filter is written to FILE and the command
line reads it on descriptor 3. bwrap has no cgroups, rlimits or timeout;
the warnings say how to add them (systemd-run --scope, prlimit, timeout).`,
		example: `  sandbox export bwrap examples/busybox.hcl busybox --seccomp-out /tmp/bb.bpf`,
	},
	"systemd-run": {
		short: "Print the systemd-run command line that runs one sandbox",
		long: `Print the systemd-run command line of a transient service that isolates and
limits the command as the sandbox's plan says: MemoryMax, TasksMax,
CPUQuota and the other cgroup properties, PrivateNetwork, PrivateIPC,
RootDirectory or an empty read-only root with the host view's binds,
ProtectSystem, PrivateDevices, TemporaryFileSystem, the binds of the mount
blocks, capabilities, rlimits, user, environment and working directory.
It waits for the command and passes its output through (--wait --pipe), or
attaches it to the terminal with --pty. With --scope it prints instead a
scope (systemd-run --scope) that holds the cgroup limits, the timeout and
oom_score_adj around the bwrap command line, which isolates: a scope takes
only the cgroup properties, not the namespace and file system ones.`,
		example: `  sandbox export systemd-run examples/limits.hcl limits`,
	},
	"docker": {
		short: "Print the docker run command line that runs one sandbox",
		long: `Print the docker run command line of the sandbox: --network none, --read-only,
--cap-drop ALL with the plan's capabilities, --security-opt
no-new-privileges, --memory, --pids-limit, --cpus, --ulimit, binds and
tmpfs mounts, --hostname, -e, -w, --user and the command. An image
sandbox runs its image; a rootfs directory or tarball, or the host view,
needs an image made first, and a warning says how (docker import). A
seccomp profile other than the default is written with --seccomp-out.`,
		example: `  sandbox export docker examples/image.hcl alpine`,
	},
}

// newExportLineCmds are the export targets that print a command line.
func newExportLineCmds(e *env) []*cobra.Command {
	var out []*cobra.Command
	for _, t := range export.Targets {
		out = append(out, newExportLineCmd(e, t))
	}
	return out
}

func newExportLineCmd(e *env, t export.Target) *cobra.Command {
	var o export.Options
	help := exportLineHelp[t.Name]
	cmd := e.addVarFlags(&cobra.Command{
		Use:   t.Name + " [FILE|DIR]... NAME",
		Short: help.short,
		Long: help.long + `

Standard output is only the command line, quoted for a POSIX shell;
everything the target cannot express is a warning on standard error.

Exit codes: 0 success, 1 invalid configuration or unknown name, 2 invalid
command line, 125 the rootfs could not be prepared or a file written.`,
		Example: help.example,
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.exportLine(t, args, o)
		},
	})
	cmd.Flags().StringVar(&o.SeccompFile, "seccomp-out", "", "write the seccomp filter the command line reads to this file")
	cmd.Flags().BoolVar(&o.Interactive, "pty", false, "attach the command to the terminal")
	if t.Name == "systemd-run" {
		cmd.Flags().BoolVar(&o.Scope, "scope", false, "a scope with the cgroup limits around the bwrap command line, instead of a service")
	}
	return cmd
}

func (e *env) exportLine(t export.Target, args []string, o export.Options) error {
	paths, names := splitArgs(args)
	if len(names) != 1 {
		return exitf(exitUsage, "export %s takes one sandbox NAME, got %d", t.Name, len(names))
	}
	return e.r().ExportLine(t, paths, names[0], o, e.loadOptions())
}
