package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/hclsandbox/sandbox/launcher"
	"github.com/spf13/cobra"
)

func newLockCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "lock [FILE|DIR]...",
		Short: "Record the digest of every rootfs and image in sandbox.lock.hcl",
		Long: `Compute the sha256 of every sandbox's root filesystem (the file digest of a
tarball, a tree digest of a directory) and resolve every image (its manifest
or index digest, and the digest of the host platform's manifest), and write
them to sandbox.lock.hcl next to each configuration file. "sandbox up" then
refuses a rootfs that no longer matches and an image tag that moved; "sandbox
up --update-lock" accepts the change and records it. With no file, ./*.hcl is
loaded. Locking needs no root; resolving a registry image reads its manifests.`,
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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	written, err := launcher.LockRootfs(ctx, cfg.Sandboxes)
	if err != nil {
		return exitf(exitSetup, "%v", err)
	}
	for _, path := range written {
		fmt.Fprintf(e.stdout, "wrote %s\n", path)
	}
	if len(written) == 0 {
		fmt.Fprintln(e.stdout, "no sandbox has a rootfs or an image: nothing to lock")
	}
	return nil
}
