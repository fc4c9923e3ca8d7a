package state

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/hclsandbox/sandbox/internal/await"
	"github.com/hclsandbox/sandbox/internal/proc"
	"github.com/hclsandbox/sandbox/launcher/cgroups"

	"github.com/hclsandbox/sandbox/config"
	"golang.org/x/sys/unix"
)

// Stop ends the sandbox name, whichever launcher started it: the stop
// signal to its first process, then, if it still runs after the stop
// timeout, SIGKILL to everything in its cgroup. It returns once the
// supervisor has removed the record; a record whose supervisor is gone
// is cleaned up as gc would. Each wait ends early with ctx; the waits
// are on the kernel's word (a pidfd for an exit, inotify for the record),
// not on a timer.
func (d Dir) Stop(ctx context.Context, name string, o StopOptions) error {
	r, err := d.Read(name)
	if errors.Is(err, ErrInvalidName) {
		return fmt.Errorf("stop: %w", err)
	}
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("stop %s: %w", name, ErrNotRunning)
	}
	if err != nil {
		return err
	}
	// The kill and the cleanup run to their end, as ctx's end asks for
	// them rather than calling them off.
	cleanup := context.WithoutCancel(ctx)
	if r.Live() {
		r = d.awaitSetup(ctx, r, 5*time.Second)
		sig, timeout := stopSettings(r, o)
		if !signalAndWait(ctx, r, sig, timeout) {
			killRecorded(cleanup, r)
		}
		if d.awaitRelease(ctx, name, 5*time.Second) {
			return nil
		}
	}
	return d.collect(cleanup, name)
}

// awaitSetup waits until r's sandbox has finished its setup, so that the
// stop signal reaches the target rather than a half-built sandbox, and
// returns the record as it is then. It wakes when the record changes or
// the supervisor exits.
func (d Dir) awaitSetup(ctx context.Context, r *Record, wait time.Duration) *Record {
	deadline := time.Now().Add(wait)
	w := await.New(ctx)
	defer w.Release()
	if dir, err := d.Dir(r.Name); err == nil {
		w.Watch(dir)
	}
	if !w.Pid(r.Supervisor, r.SupervisorStart) {
		return r
	}
	if next, err := d.Read(r.Name); err == nil {
		r = next // as it is now that changes wake us
	}
	for !r.Running && w.Wait(deadline) && !w.Exited {
		next, err := d.Read(r.Name)
		if err != nil {
			break
		}
		r = next
	}
	return r
}

// stopSettings are the signal and timeout for r, with o's overrides.
func stopSettings(r *Record, o StopOptions) (syscall.Signal, time.Duration) {
	sig := unix.SignalNum(r.StopSignal)
	if sig == 0 {
		sig = unix.SignalNum(config.DefaultStopSignal)
	}
	if o.Signal != 0 {
		sig = o.Signal
	}
	timeout := r.StopTimeout
	if timeout <= 0 {
		timeout = config.DefaultStopTimeout
	}
	if o.Timeout >= 0 {
		timeout = o.Timeout
	}
	return sig, timeout
}

// signalAndWait sends sig to r's first process, if it is still the one
// recorded, and reports whether it ended within timeout (or before ctx
// ended), waiting on a pidfd.
func signalAndWait(ctx context.Context, r *Record, sig syscall.Signal, timeout time.Duration) bool {
	w := await.New(ctx)
	defer w.Release()
	if !w.Pid(r.Pid, r.PidStart) {
		return r.Pid != 0
	}
	unix.Kill(r.Pid, sig)
	if w.Wait(time.Now().Add(timeout)) {
		return true
	}
	return !proc.SameProcess(r.Pid, r.PidStart)
}

// killRecorded kills everything in r's cgroup, or without one its first
// process while it is still the one recorded.
func killRecorded(ctx context.Context, r *Record) {
	if r.Cgroup != nil {
		if cg, err := cgroups.OpenCgroup(*r.Cgroup); err == nil && cg != nil && cg.Kill(ctx) == nil {
			return
		}
	}
	if proc.SameProcess(r.Pid, r.PidStart) {
		unix.Kill(r.Pid, syscall.SIGKILL)
	}
}

// awaitRelease waits until name's record is gone, and reports whether it
// went; it gives up early when the supervisor is gone. It wakes when the
// state directory changes or the supervisor exits.
func (d Dir) awaitRelease(ctx context.Context, name string, wait time.Duration) bool {
	deadline := time.Now().Add(wait)
	w := await.New(ctx)
	defer w.Release()
	w.Watch(d.Home())
	if dir, err := d.Dir(name); err == nil {
		w.Watch(dir)
	}
	r, err := d.Read(name)
	if err == nil && !w.Pid(r.Supervisor, r.SupervisorStart) {
		return false
	}
	for !errors.Is(err, os.ErrNotExist) && !w.Exited && w.Wait(deadline) {
		_, err = d.Read(name)
	}
	if !errors.Is(err, os.ErrNotExist) {
		_, err = d.Read(name) // the supervisor's last act may be the removal
	}
	return errors.Is(err, os.ErrNotExist)
}

// collect cleans up name as gc does, unless a live supervisor holds it.
func (d Dir) collect(ctx context.Context, name string) error {
	lock, err := d.lock(ctx, name, 0)
	if errors.Is(err, errLocked) {
		return fmt.Errorf("stop %s: its launcher did not finish in time", name)
	}
	if err != nil {
		return err
	}
	defer lock.Close()
	_, err = d.clean(ctx, name, true)
	return err
}
