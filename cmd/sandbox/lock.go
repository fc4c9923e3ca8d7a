package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

func newLockCmd(e *env) *cobra.Command {
	var verify bool
	cmd := &cobra.Command{
		Use:   "lock [FILE|DIR]...",
		Short: "Record the digest of every rootfs and image in sandbox.lock.hcl",
		Long: `Compute the sha256 of every sandbox's root filesystem (the file digest of a
tarball, a tree digest of a directory) and resolve every image (its manifest
or index digest, and the digest of the host platform's manifest), and write
them to sandbox.lock.hcl next to each configuration file. "sandbox up" then
refuses a rootfs that no longer matches and an image tag that moved; "sandbox
up --update-lock" accepts the change and records it. With no file, ./*.hcl is
loaded. Locking needs no root; resolving a registry image reads its manifests.

A start verifies a locked directory through an index of its files' stat data
(kept in $SANDBOX_HOME/index) and reads again only the files whose stat data
changed. --verify hashes every locked rootfs whole instead, writes nothing
but the index, and exits 125 when one no longer matches, naming what changed.`,
		Example: `  sandbox lock examples/busybox.hcl
  sandbox lock
  sandbox lock --verify`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.lock(args, verify)
		},
	}
	cmd.Flags().BoolVar(&verify, "verify", false, "hash every locked rootfs whole and check it against the lock file, changing nothing")
	return cmd
}

// lock writes the lock files, or with verify checks them.
func (e *env) lock(paths []string, verify bool) error {
	cfg, err := e.loadConfig(paths)
	if err != nil {
		return err
	}
	if verify {
		return e.r().VerifyLocks(cfg)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return e.r().Lock(ctx, cfg)
}
