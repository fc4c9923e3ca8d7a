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
	"golang.org/x/sys/unix"
)

// prepareRoots verifies every sandbox's rootfs and unpacks tarballs before
// any sandbox starts, and returns the directory each one runs on. A digest
// mismatch or an unpack failure ends the command with exit code 125; a
// signal that interrupts an unpack ends it with 128+N, leaving no
// half-unpacked directory behind.
func (e *env) prepareRoots(sbs []*config.Sandbox, updateLock bool) (map[*config.Sandbox]string, error) {
	o := launcher.PrepareOptions{Home: rootfs.Home(), UpdateLock: updateLock}
	if isTerminal(e.stderr) {
		o.Progress = e.stderr
	}
	ctx, stop := interruptible()
	defer stop()
	dirs := map[*config.Sandbox]string{}
	for _, s := range sbs {
		p, err := launcher.PrepareRootfs(ctx, s, o)
		if err == nil && ctx.Err() != nil {
			err = context.Cause(ctx) // a signal while its digest was computed
		}
		var sig signalError
		if errors.As(err, &sig) {
			return nil, exitf(128+int(sig.Signal), "%s: %v", s.Name, err)
		}
		if err != nil {
			return nil, exitf(exitSetup, "%s: %v", s.Name, err)
		}
		if n := p.Devices.Skipped; n > 0 {
			fmt.Fprintf(e.stderr, "sandbox: %s: warning: left out the %d device node%s of %s; devices = %q in its rootfs block keeps them (as root)\n",
				s.Name, n, plural(n, "s"), s.Rootfs, config.DevicesKeep)
		}
		dirs[s] = p.Dir
	}
	return dirs, nil
}

// signalError is the cause of a context that a signal ended.
type signalError struct{ syscall.Signal }

func (e signalError) Error() string { return "interrupted by " + unix.SignalName(e.Signal) }

// interruptible returns a context that SIGINT, SIGTERM or SIGHUP end,
// with a signalError as its cause, until stop.
func interruptible() (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-ch:
			cancel(signalError{sig.(syscall.Signal)})
		case <-done:
		}
	}()
	return ctx, func() { signal.Stop(ch); close(done); cancel(nil) }
}
