package runner

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/exitcode"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/export"
	"github.com/hclsandbox/sandbox/launcher/oci"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// ExportLine prints the command line of target t that runs the sandbox
// name of the files at paths (`sandbox export bwrap|systemd-run|docker`):
// the command line on stdout, the warnings on stderr, the seccomp filter
// written to o.SeccompFile.
func (r *Runner) ExportLine(t export.Target, paths []string, name string, o export.Options, load config.Options) error {
	cfg, s, err := r.LoadOne(paths, name, "export", load)
	if err != nil {
		return err
	}
	p, err := r.exportPlan(t, s)
	if err != nil {
		return err
	}
	if err := r.CheckPlan(cfg, s, p); err != nil {
		return err
	}
	if o.SeccompFile != "" {
		if o.SeccompFile, err = filepath.Abs(o.SeccompFile); err != nil {
			return exitcode.Errorf(exitcode.Usage, "--seccomp-out: %v", err)
		}
	}
	o.Stat = statPath
	o.SeccompRules = r.seccompRules(p, s)
	c, err := t.Build(p, o)
	if err != nil {
		return exitcode.Errorf(exitcode.Setup, "%s: %v", s.Name, err)
	}
	return r.writeExportLine(s, c, o)
}

// exportPlan is the plan to export: with a tarball unpacked, as run would,
// for the targets that bind a directory as the root.
func (r *Runner) exportPlan(t export.Target, s *config.Sandbox) (*launcher.Plan, error) {
	host := r.ProbeHost()
	if s.Image != nil && t.Name != "docker" {
		return nil, exitcode.Errorf(exitcode.InvalidConfig, "%s: %s cannot stack an image's layers; export docker runs the image, export oci flattens it", s.Name, t.Name)
	}
	if exists, dir := statPath(s.Rootfs); s.Image != nil || s.Rootfs == "" || dir || !exists || t.Name == "docker" {
		return launcher.NewPlan(s, host), nil
	}
	roots, err := r.PrepareRoots([]*config.Sandbox{s}, false)
	if err != nil {
		return nil, err
	}
	return BuildPlan(s, host, roots), nil
}

// seccompRules are the plan's seccomp rules as OCI writes them, for the
// targets that take rules, or nil.
func (r *Runner) seccompRules(p *launcher.Plan, s *config.Sandbox) *specs.LinuxSeccomp {
	if p.Spec.Seccomp == nil {
		return nil
	}
	q := *p
	q.Spec.User = "" // the rules do not depend on it; OCI wants it numeric
	b, err := oci.Config(&q, s, r.ProbeHost(), "/", oci.PathExists)
	if err != nil {
		return nil
	}
	return b.Spec.Linux.Seccomp
}

// writeExportLine writes the seccomp file, the warnings and the command line.
func (r *Runner) writeExportLine(s *config.Sandbox, c *export.Command, o export.Options) error {
	if c.Seccomp != nil {
		if err := os.WriteFile(o.SeccompFile, c.Seccomp, 0o644); err != nil {
			return exitcode.Errorf(exitcode.Setup, "%s: write the seccomp filter: %v", s.Name, err)
		}
	}
	for _, w := range c.Warnings {
		fmt.Fprintf(r.Stderr, "sandbox: warning: %s: %s\n", s.Name, w)
	}
	fmt.Fprintln(r.Stdout, c.Shell())
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
