package main

import (
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/image"
	"github.com/hclsandbox/sandbox/launcher/rootfs"
	"github.com/spf13/cobra"
)

func newPullCmd(e *env) *cobra.Command {
	var update bool
	cmd := e.addVarFlags(&cobra.Command{
		Use:   "pull [FILE|DIR]... [NAME]...",
		Short: "Bring the images of the sandboxes into the store",
		Long: `Resolve the image of every sandbox (or only the named ones) and bring what
the store ($SANDBOX_HOME/images) lacks into it: each layer checked against its
digests while it streams and unpacked once. A pinned image is pulled as its
lock file pins it; a tag that moved since is refused unless --update-lock.
On a terminal, a line shows every layer's progress; otherwise one line per
image is printed. With no file, ./*.hcl is loaded.

Exit codes: 0 success, 1 invalid configuration or unknown name, 125 a pull
failed, 130 interrupted (nothing half-made is left).`,
		Example: `  sudo sandbox pull examples/image.hcl
  sudo sandbox pull --update-lock`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.pull(args, update)
		},
	})
	cmd.Flags().BoolVar(&update, "update-lock", false, "take a moved tag and record its digests in sandbox.lock.hcl")
	return cmd
}

func (e *env) pull(args []string, update bool) error {
	paths, names := splitArgs(args)
	_, sbs, err := e.loadSandboxes(paths, names)
	if err != nil {
		return err
	}
	return e.r().Pull(sbs, update)
}

func newImagesCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "images",
		Short: "List the images of the store",
		Long: `List the images in $SANDBOX_HOME/images: id (the configuration's digest),
the sources that resolved to it, layers, size, the configuration files that
used it, whether a lock file pins it and whether a sandbox runs on it now.`,
		Example: `  sudo sandbox images
  sudo sandbox images --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			list, err := launcher.NewImageStore(rootfs.Home()).List()
			if err != nil {
				return exitf(exitSetup, "images: %v", err)
			}
			image.WriteList(e.stdout, list, asJSON)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array")
	return cmd
}

func newPruneCmd(e *env) *cobra.Command {
	var dryRun, asJSON bool
	cmd := &cobra.Command{
		Use:   "prune",
		Short: "Remove the images no lock file and no running sandbox uses",
		Long: `Remove from $SANDBOX_HOME/images every image that no lock file pins (the
lock files next to the configurations that used it) and no running sandbox
uses, then every layer no remaining image needs, and what interrupted pulls
left behind.`,
		Example: `  sudo sandbox prune --dry-run
  sudo sandbox prune`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			rep, err := launcher.NewImageStore(rootfs.Home()).Prune(dryRun)
			if err != nil {
				return exitf(exitSetup, "prune: %v", err)
			}
			rep.Write(e.stdout, dryRun, asJSON)
			return nil
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "remove nothing; say what would go")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	return cmd
}
