package main

import (
	"fmt"

	"github.com/hclsandbox/sandbox/launcher"
	"github.com/spf13/cobra"
)

func newLockCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "lock [FILE|DIR]...",
		Short: "Record the digest of every rootfs in sandbox.lock.hcl",
		Long: `Compute the sha256 of every sandbox's root filesystem (the file digest of a
tarball, a tree digest of a directory) and write them to sandbox.lock.hcl next
to each configuration file. "sandbox up" then refuses a rootfs that no longer
matches; "sandbox up --update-lock" accepts the change and records it. With no
file, ./*.hcl is loaded. Locking needs no root.`,
		Example: `  sandbox lock examples/busybox.hcl
  sandbox lock`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.lock(args)
		},
	}
}

func (e *env) lock(paths []string) error {
	cfg, err := e.loadConfig(paths)
	if err != nil {
		return err
	}
	written, err := launcher.LockRootfs(cfg.Sandboxes)
	if err != nil {
		return exitf(exitSetup, "%v", err)
	}
	for _, path := range written {
		fmt.Fprintf(e.stdout, "wrote %s\n", path)
	}
	if len(written) == 0 {
		fmt.Fprintln(e.stdout, "no sandbox has a rootfs: nothing to lock")
	}
	return nil
}
