package state

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/hclsandbox/sandbox/launcher/network"
)

// ErrReleased is returned by Renew for a claim that was released.
var ErrReleased = errors.New("claim released")

// Renew makes the claim the one of a new run of its name by the same
// supervisor (up --watch relaunching a sandbox whose run has ended). It
// cleans up what the previous run's record names, as Claim does for a
// name a dead supervisor left, removes the previous run's exec socket
// and network state, and writes r as the record. The lock
// is held throughout, so no other launcher can take the name between the
// two runs; the lock file, the directory and the record's two files stay,
// which spares a release and a claim the files they remove and make
// again. Call it only once the previous run has ended.
func (c *Claim) Renew(ctx context.Context, r Record) error {
	if c == nil {
		return ErrReleased
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.released {
		return ErrReleased
	}
	prev := c.rec
	// The spare is the next run's, and the new record names it.
	r.SpareCgroup, prev.SpareCgroup = prev.SpareCgroup, nil
	if _, err := cleanRecord(ctx, &prev); err != nil {
		return fmt.Errorf("renew %s: %w", r.Name, err)
	}
	// The only file of a run's own in the directory (a detached run's
	// log aside, whose claims are not renewed).
	if err := os.Remove(filepath.Join(c.dir, ExecSocket)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("renew %s: remove state %s: %w", r.Name, ExecSocket, err)
	}
	if prev.Net != nil {
		network.RemoveState(c.state.Home())
	}
	r.Name = prev.Name
	r.Started, r.Supervisor, r.SupervisorStart = time.Now(), os.Getpid(), selfStart()
	c.rec = r
	return c.rec.write(c.dir)
}

// PlanDigest is the plan digest of the claim's record.
func (c *Claim) PlanDigest() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rec.PlanDigest
}
