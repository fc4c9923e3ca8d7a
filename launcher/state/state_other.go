//go:build !linux

package state

import (
	"context"
	"errors"
	"time"

	"github.com/hclsandbox/sandbox/launcher/cgroups"
)

// Claim is a locked name; sandboxes run only on Linux.
type Claim struct{}

// Claim fails: sandboxes run only on Linux.
func (d Dir) Claim(ctx context.Context, r Record) (*Claim, error) {
	return nil, errors.ErrUnsupported
}

// Dir is empty off Linux.
func (c *Claim) Dir() string { return "" }

// Cgroup is nil off Linux.
func (c *Claim) Cgroup() *cgroups.CgroupRef { return nil }

// Release does nothing off Linux.
func (c *Claim) Release() error { return nil }

// GCReport counts what a gc removed.
type GCReport struct {
	Records, Cgroups, Mounts, Killed int
	Live                             []string
}

// GC fails: sandboxes run only on Linux.
func (d Dir) GC(ctx context.Context) (GCReport, error) { return GCReport{}, errors.ErrUnsupported }

// Live is always false off Linux.
func (r *Record) Live() bool { return false }

// Statuses fails: sandboxes run only on Linux.
func (d Dir) Statuses(now time.Time) ([]Status, error) { return nil, errors.ErrUnsupported }

// Stop fails: sandboxes run only on Linux.
func (d Dir) Stop(ctx context.Context, name string, o StopOptions) error {
	return errors.ErrUnsupported
}

// NoteMount fails: sandboxes run only on Linux.
func (c *Claim) NoteMount(target string) error { return errors.ErrUnsupported }

// NoteHealth does nothing: there are no records on this system.
func (c *Claim) NoteHealth(health string) error { return errors.ErrUnsupported }

// Remove fails: sandboxes run only on Linux.
func (d Dir) Remove(ctx context.Context, name string, o StopOptions) (bool, error) {
	return false, errors.ErrUnsupported
}

// Tidy does nothing off Linux.
func (d Dir) Tidy() {}

// GCAll fails: sandboxes run only on Linux.
func (d Dir) GCAll(ctx context.Context) (GCReport, error) { return GCReport{}, errors.ErrUnsupported }

// liveSupervisors is empty off Linux.
func (d Dir) liveSupervisors(names []string) []*Record { return nil }

// awaitExit returns at once off Linux.
func awaitExit(ctx context.Context, recs []*Record, wait time.Duration) {}

// ErrReleased is returned by Renew for a claim that was released.
var ErrReleased = errors.New("claim released")

// Renew fails: sandboxes run only on Linux.
func (c *Claim) Renew(ctx context.Context, r Record) error { return errors.ErrUnsupported }

// PlanDigest is empty off Linux.
func (c *Claim) PlanDigest() string { return "" }
