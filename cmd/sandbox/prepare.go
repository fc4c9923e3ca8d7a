package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/rootfs"
)

// prepareRoots verifies every sandbox's rootfs, unpacks tarballs and gets
// images from the store (pulling what it lacks) before any sandbox starts,
// and returns the root each one runs on. A digest mismatch, a moved image
// tag or an unpack failure ends the command with exit code 125; Ctrl-C
// during a pull ends it with 130 and leaves nothing half-made. The lease
// of each image is held until the process exits.
func (e *env) prepareRoots(sbs []*config.Sandbox, updateLock bool) (map[*config.Sandbox]*launcher.PreparedRootfs, error) {
	return e.prepareRootsWith(sbs, launcher.PrepareOptions{UpdateLock: updateLock})
}

// prepareRootsWith is prepareRoots with more options: pull reads every
// image's source (CheckImages).
func (e *env) prepareRootsWith(sbs []*config.Sandbox, o launcher.PrepareOptions) (map[*config.Sandbox]*launcher.PreparedRootfs, error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	o.Home, o.Context = rootfs.Home(), ctx
	if isTerminal(e.stderr) {
		o.Progress, o.Terminal = e.stderr, true
	}
	roots := map[*config.Sandbox]*launcher.PreparedRootfs{}
	for _, s := range sbs {
		p, err := launcher.PrepareRootfs(s, o)
		if err != nil && ctx.Err() != nil {
			return nil, exitf(exitInterrupted, "%s: interrupted: %v", s.Name, err)
		}
		if err != nil {
			return nil, exitf(exitSetup, "%s: %v", s.Name, err)
		}
		if p.Offline != nil {
			fmt.Fprintf(e.stderr, "sandbox: %s: image %s cannot be read (%v); running %s from the store\n",
				s.Name, s.Image, shortError(p.Offline), p.Image.Digest)
		}
		roots[s] = p
	}
	return roots, nil
}

// shortError is the innermost cause of an error, for a one-line note.
func shortError(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}
