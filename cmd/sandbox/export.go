package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/image"
	"github.com/hclsandbox/sandbox/launcher/oci"
	"github.com/spf13/cobra"
)

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
	_, s, err := e.loadOne(paths, names[0], "export")
	if err != nil {
		return err
	}
	bd, err := oci.OpenDir(out)
	if err != nil {
		return exitf(exitSetup, "%s: %v", s.Name, err)
	}
	defer bd.Close()
	rootPath, root, img, err := e.bundleRoot(s, bd)
	if err != nil {
		return err
	}
	if root != nil {
		defer root.Close()
	}
	host := e.probeHost()
	plan := launcher.NewImagePlan(s, host, img).WithRootfs(rootPath)
	if plan.Spec.User, err = oci.NumericUser(plan.Spec.User, rootPath); err != nil {
		return exitf(exitSetup, "%s: %v", s.Name, err)
	}
	b, err := oci.Config(plan, s, host, rootPath, oci.PathExists)
	if err != nil {
		return exitf(exitSetup, "%s: %v", s.Name, err)
	}
	if err := oci.Write(b, bd, root); err != nil {
		return exitf(exitSetup, "%s: %v", s.Name, err)
	}
	for _, w := range b.Warnings {
		fmt.Fprintf(e.stderr, "sandbox: warning: %s: %s\n", s.Name, w)
	}
	fmt.Fprintf(e.stdout, "%s: OCI bundle in %s\n", s.Name, out)
	return nil
}

// bundleRoot is the root.path of the bundle, with the bundle's own root
// directory open when it has one, and the image of an image sandbox: a
// rootfs directory is referenced as it is; an unpacked tarball is copied
// into DIR/rootfs, and an image's layers flattened into it, both without
// device nodes or setuid bits; the host view gets an empty DIR/rootfs.
func (e *env) bundleRoot(s *config.Sandbox, bd *oci.Dir) (string, *oci.Dir, *image.Image, error) {
	own := filepath.Join(bd.Path(), "rootfs")
	if s.Rootfs == "" && s.Image == nil {
		root, err := bd.Mkdir("rootfs", 0o755)
		return own, root, nil, exitIfErr(s, err)
	}
	if info, err := os.Stat(s.Rootfs); s.Image == nil && err == nil && info.IsDir() {
		return s.Rootfs, nil, nil, nil
	}
	roots, err := e.prepareRoots([]*config.Sandbox{s}, false)
	if err != nil {
		return "", nil, nil, err
	}
	root, err := bd.Mkdir("rootfs", 0o700)
	if err != nil {
		return "", nil, nil, exitIfErr(s, err)
	}
	img := roots[s].Image
	st, err := oci.FillRoot(root, roots[s].Dir, img)
	if err != nil {
		root.Close()
		return "", nil, nil, exitf(exitSetup, "%s: copy rootfs: %v", s.Name, err)
	}
	if st.Devices+st.Setuid > 0 {
		fmt.Fprintf(e.stderr, "sandbox: warning: %s: the bundle's rootfs leaves out %d device node%s or socket%s and clears the setuid and setgid bits of %d file%s\n",
			s.Name, st.Devices, plural(st.Devices, "s"), plural(st.Devices, "s"), st.Setuid, plural(st.Setuid, "s"))
	}
	return own, root, img, nil
}

// exitIfErr is err as a setup failure of s, or nil.
func exitIfErr(s *config.Sandbox, err error) error {
	if err != nil {
		return exitf(exitSetup, "%s: %v", s.Name, err)
	}
	return nil
}
