package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/hclsandbox/sandbox/launcher/runner"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/export"
	"github.com/hclsandbox/sandbox/launcher/oci"
	specs "github.com/opencontainers/runtime-spec/specs-go"
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
	cfg, s, err := e.loadOne(paths, names[0], "export")
	if err != nil {
		return err
	}
	p, err := e.exportPlan(t, s)
	if err != nil {
		return err
	}
	if err := e.r().CheckPlan(cfg, s, p); err != nil {
		return err
	}
	if o.SeccompFile != "" {
		if o.SeccompFile, err = filepath.Abs(o.SeccompFile); err != nil {
			return exitf(exitUsage, "--seccomp-out: %v", err)
		}
	}
	o.Stat = statPath
	o.SeccompRules = e.seccompRules(p, s)
	c, err := t.Build(p, o)
	if err != nil {
		return exitf(exitSetup, "%s: %v", s.Name, err)
	}
	return e.writeExportLine(s, c, o)
}

// exportPlan is the plan to export: with a tarball unpacked, as run would,
// for the targets that bind a directory as the root.
func (e *env) exportPlan(t export.Target, s *config.Sandbox) (*launcher.Plan, error) {
	host := e.probeHost()
	if s.Image != nil && t.Name != "docker" {
		return nil, exitf(exitInvalidConfig, "%s: %s cannot stack an image's layers; export docker runs the image, export oci flattens it", s.Name, t.Name)
	}
	if exists, dir := statPath(s.Rootfs); s.Image != nil || s.Rootfs == "" || dir || !exists || t.Name == "docker" {
		return launcher.NewPlan(s, host), nil
	}
	roots, err := e.prepareRoots([]*config.Sandbox{s}, false)
	if err != nil {
		return nil, err
	}
	return runner.BuildPlan(s, host, roots), nil
}

// seccompRules are the plan's seccomp rules as OCI writes them, for the
// targets that take rules, or nil.
func (e *env) seccompRules(p *launcher.Plan, s *config.Sandbox) *specs.LinuxSeccomp {
	if p.Spec.Seccomp == nil {
		return nil
	}
	q := *p
	q.Spec.User = "" // the rules do not depend on it; OCI wants it numeric
	b, err := oci.Config(&q, s, e.probeHost(), "/", oci.PathExists)
	if err != nil {
		return nil
	}
	return b.Spec.Linux.Seccomp
}

// writeExportLine writes the seccomp file, the warnings and the command line.
func (e *env) writeExportLine(s *config.Sandbox, c *export.Command, o export.Options) error {
	if c.Seccomp != nil {
		if err := os.WriteFile(o.SeccompFile, c.Seccomp, 0o644); err != nil {
			return exitf(exitSetup, "%s: write the seccomp filter: %v", s.Name, err)
		}
	}
	for _, w := range c.Warnings {
		fmt.Fprintf(e.stderr, "sandbox: warning: %s: %s\n", s.Name, w)
	}
	fmt.Fprintln(e.stdout, c.Shell())
	return nil
}

// statPath reports whether a host path exists and is a directory.
func statPath(p string) (exists, dir bool) {
	info, err := os.Stat(p)
	if err != nil {
		return false, false
	}
	return true, info.IsDir()
}
