package runner

import (
	"context"
	"fmt"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/exitcode"
	"github.com/hclsandbox/sandbox/launcher"
)

// Lock writes the lock file next to each configuration file of cfg
// (`sandbox lock`), naming on stdout each file it wrote.
func (r *Runner) Lock(ctx context.Context, cfg *config.Config) error {
	written, err := launcher.LockRootfs(ctx, cfg.Sandboxes)
	if err != nil {
		return exitcode.Errorf(exitcode.Setup, "%v", err)
	}
	for _, path := range written {
		fmt.Fprintf(r.Stdout, "wrote %s\n", path)
	}
	if len(written) == 0 {
		fmt.Fprintln(r.Stdout, "no sandbox has a rootfs or an image: nothing to lock")
	}
	return nil
}

// VerifyLocks checks every locked rootfs of cfg against its lock entry
// (`sandbox lock --verify`): each mismatch on stderr ends it with 125.
func (r *Runner) VerifyLocks(cfg *config.Config) error {
	errs := launcher.VerifyLocks(cfg.Sandboxes)
	for _, err := range errs {
		fmt.Fprintf(r.Stderr, "sandbox: %v\n", err)
	}
	if len(errs) > 0 {
		return exitcode.Code(exitcode.Setup)
	}
	fmt.Fprintln(r.Stdout, "every locked rootfs matches its lock file")
	return nil
}
