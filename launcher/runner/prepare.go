package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/exitcode"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/relay"
	"github.com/hclsandbox/sandbox/launcher/rootfs"
	"golang.org/x/sys/unix"
)

// PrepareRoots verifies every sandbox's rootfs, unpacks tarballs and gets
// images from the store (pulling what it lacks) before any sandbox starts,
// and returns the root each one runs on. A digest mismatch, a moved image
// tag or an unpack failure ends the command with exit code 125; a signal
// that interrupts an unpack or a pull ends it with 128+N, leaving nothing
// half-made. The lease of each image is held until the process exits.
func (r *Runner) PrepareRoots(sbs []*config.Sandbox, updateLock bool) (map[*config.Sandbox]*launcher.PreparedRootfs, error) {
	return r.PrepareRootsWith(sbs, launcher.PrepareOptions{UpdateLock: updateLock})
}

// PrepareRootsWith is PrepareRoots with more options: pull reads every
// image's source (CheckImages).
func (r *Runner) PrepareRootsWith(sbs []*config.Sandbox, o launcher.PrepareOptions) (map[*config.Sandbox]*launcher.PreparedRootfs, error) {
	o.Home = rootfs.Home()
	if relay.IsTerminal(r.Stderr) {
		o.Progress, o.Terminal = r.Stderr, true
	}
	ctx, stop := interruptible()
	defer stop()
	roots := map[*config.Sandbox]*launcher.PreparedRootfs{}
	for _, s := range sbs {
		p, err := launcher.PrepareRootfs(ctx, s, o)
		if ctx.Err() != nil {
			err = context.Cause(ctx) // a signal, perhaps while a digest was computed
		}
		var sig signalError
		if errors.As(err, &sig) {
			return nil, exitcode.Errorf(128+int(sig.Signal), "%s: %v", s.Name, err)
		}
		if err != nil {
			return nil, exitcode.Errorf(exitcode.Setup, "%s: %v", s.Name, err)
		}
		r.notePrepared(s, p)
		roots[s] = p
	}
	return roots, nil
}

// notePrepared prints what the preparation of s left out or fell back to.
func (r *Runner) notePrepared(s *config.Sandbox, p *launcher.PreparedRootfs) {
	if n := p.Devices.Skipped; n > 0 {
		fmt.Fprintf(r.Stderr, "sandbox: %s: warning: left out the %d device node%s of %s; devices = %q in its rootfs block keeps them (as root)\n",
			s.Name, n, plural(n), s.Rootfs, config.DevicesKeep)
	}
	if p.Unpacked && p.OwnersLost {
		fmt.Fprintf(r.Stderr, "sandbox: %s: note: unpacked %s without root and without subordinate ranges: its files are all yours, their owners in the archive not kept (ranges in /etc/subuid and /etc/subgid keep them)\n",
			s.Name, s.Rootfs)
	}
	if p.Offline != nil {
		fmt.Fprintf(r.Stderr, "sandbox: %s: image %s cannot be read (%v); running %s from the store\n",
			s.Name, s.Image, shortError(p.Offline), p.Image.Digest)
	}
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

// plural is "s" unless n is 1.
func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
