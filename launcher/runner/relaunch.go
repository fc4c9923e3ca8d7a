package runner

import (
	"context"
	"fmt"

	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/state"
)

// Kept is the claim of a sandbox's run that has ended, kept by its
// supervisor for the next run of the same name (up --watch relaunching
// it): Relaunch renews it instead of a release and a new claim, which
// spares the state directory's files being removed and made again, and
// leaves no moment in which another launcher could take the name.
type Kept struct {
	claim *state.Claim
	// plan is the ended run's plan and digest its PlanDigest: a relaunch
	// of the same plan (a watched file changed) need not compute it again.
	plan   *launcher.Plan
	digest string
}

// Release releases a kept claim that no run will renew; nil does nothing.
func (k *Kept) Release() {
	if k != nil {
		k.claim.Release()
	}
}

// Relaunch is Start for the next run of a name whose previous run by this
// runner ended with its claim kept (prev; nil: claim it as Start does).
// The renewal cleans up what the previous run's record names first, as
// a new claim would. end, called once the run has ended, releases the
// claim, or with keep returns it for the next Relaunch. A detached
// runner does not keep claims: its claims also hold its logs. With
// spare, the cgroup of the next run is made while this one runs, and
// where it can be, its child started, to wait for a relaunch with the
// same plan and stdio (launcher.PrepareSpare): for a sandbox that is
// expected to be relaunched (one that watches files), whose caller gives
// each of its runs the same stdio.
func (r *Runner) Relaunch(plan *launcher.Plan, stdio launcher.Stdio, prev *Kept, spare bool) (*launcher.Process, *launcher.Result, func(keep bool) *Kept) {
	var claim *state.Claim
	var err error
	switch {
	case prev == nil || r.Detached:
		prev.Release()
		claim, err = launcher.Claim(context.Background(), r.State, plan, r.Detached)
	default:
		claim = prev.claim
		digest := ""
		if prev.plan == plan {
			digest = prev.digest
		}
		if err = launcher.Renew(context.Background(), claim, plan, false, digest); err != nil {
			claim.Release()
			err = fmt.Errorf("renew the claim of %s: %w", plan.Name, err)
		}
	}
	proc, res, release := r.startClaimed(plan, stdio, claim, err)
	if err != nil || r.Detached {
		return proc, res, func(bool) *Kept { release(); return nil }
	}
	if spare && proc != nil {
		// A spare that cannot be made leaves the next run to make its
		// cgroup, as without one: a failure that matters shows there.
		go launcher.PrepareSpare(plan, claim, stdio)
	}
	return proc, res, func(keep bool) *Kept {
		if !keep {
			release()
			return nil
		}
		r.claims.CompareAndDelete(plan.Name, claimed{claim: claim})
		return &Kept{claim: claim, plan: plan, digest: claim.PlanDigest()}
	}
}
