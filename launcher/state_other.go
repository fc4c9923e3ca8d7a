//go:build !linux

package launcher

import (
	"context"
	"errors"
	"os"
	"time"
)

// Claim is a locked name; sandboxes run only on Linux.
type Claim struct{}

// Claim fails: sandboxes run only on Linux.
func (d StateDir) Claim(p *Plan, detached bool) (*Claim, error) { return nil, errors.ErrUnsupported }

// Dir is empty off Linux.
func (c *Claim) Dir() string { return "" }

// Release does nothing off Linux.
func (c *Claim) Release() error { return nil }

// GCReport counts what a gc removed.
type GCReport struct {
	Records, Cgroups, Mounts, Killed int
	Live                             []string
}

// GC fails: sandboxes run only on Linux.
func (d StateDir) GC() (GCReport, error) { return GCReport{}, errors.ErrUnsupported }

// Live is always false off Linux.
func (r *Record) Live() bool { return false }

// Statuses fails: sandboxes run only on Linux.
func (d StateDir) Statuses(now time.Time) ([]Status, error) { return nil, errors.ErrUnsupported }

// Stop fails: sandboxes run only on Linux.
func (d StateDir) Stop(ctx context.Context, name string, o StopOptions) error {
	return errors.ErrUnsupported
}

// Exec fails: sandboxes run only on Linux.
func (d StateDir) Exec(name string, req ExecRequest) (*Execution, error) {
	return nil, errors.ErrUnsupported
}

// Execution is a command started by Exec; sandboxes run only on Linux.
type Execution struct{}

// Wait fails off Linux.
func (x *Execution) Wait(sigs <-chan os.Signal) (int, error) { return 0, errors.ErrUnsupported }

// Resize fails off Linux.
func (x *Execution) Resize(Winsize) error { return errors.ErrUnsupported }

// NoteMount fails: sandboxes run only on Linux.
func (c *Claim) NoteMount(target string) error { return errors.ErrUnsupported }
