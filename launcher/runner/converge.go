package runner

import (
	"context"
	"fmt"
	"os"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/exitcode"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/state"
)

// converge brings the project's sandboxes in line with plans before up -d
// starts any, as compose's up does: a sandbox that runs the same plan
// (the digest of its record equals its plan's) is kept and left out of
// the batch; one that runs another plan is stopped and removed, to be
// started anew; what is left of one that ended is removed. With whole
// (no name selected), every sandbox of the project that the files no
// longer declare is stopped and removed too. Each is reported through
// Ready; the sandboxes and plans left are the ones to start.
func (r *Runner) converge(sbs []*config.Sandbox, plans []*launcher.Plan, whole bool) ([]*config.Sandbox, []*launcher.Plan, error) {
	recorded, err := r.State.Names()
	if err != nil {
		return nil, nil, exitcode.Errorf(exitcode.Setup, "up: %v", err)
	}
	declared := map[string]bool{}
	for _, p := range plans {
		declared[p.Name] = true
	}
	for _, name := range recorded {
		if !declared[name] && whole {
			if err := r.remove(name); err != nil {
				return nil, nil, err
			}
			r.Ready.Note("removed", name)
		}
	}
	var keepS []*config.Sandbox
	var keepP []*launcher.Plan
	for i, p := range plans {
		switch r.running(p) {
		case sameRun:
			r.Ready.Note("kept", p.Name)
			continue
		case otherRun:
			r.Ready.Recreating(p.Name)
			fallthrough
		case ended:
			if err := r.remove(p.Name); err != nil {
				return nil, nil, err
			}
		}
		keepS, keepP = append(keepS, sbs[i]), append(keepP, p)
	}
	return keepS, keepP, nil
}

// runState is what the state directory holds under a plan's name.
type runState int

const (
	nothing  runState = iota // no state directory
	sameRun                  // a live sandbox that runs this very plan
	otherRun                 // a live sandbox that runs another plan
	ended                    // what a sandbox that ended left: a log, a stale record
)

// running says what runs under p's name.
func (r *Runner) running(p *launcher.Plan) runState {
	rec, err := r.State.Read(p.Name)
	switch {
	case err == nil && rec.Live() && rec.PlanDigest == launcher.PlanDigest(p):
		return sameRun
	case err == nil && rec.Live():
		return otherRun
	case err == nil:
		return ended
	}
	if dir, derr := r.State.Dir(p.Name); derr == nil && exists(dir) {
		return ended
	}
	return nothing
}

// remove stops the sandbox name and removes what it leaves (state.Remove).
func (r *Runner) remove(name string) error {
	if _, err := r.State.Remove(context.Background(), name, state.StopOptions{Timeout: -1}); err != nil {
		return exitcode.Errorf(exitcode.Setup, "up: %v", err)
	}
	return nil
}

// Note reports a sandbox that up -d leaves running ("kept") or removed
// ("removed") rather than starts.
func (r *Readiness) Note(what, name string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.w != nil {
		fmt.Fprintf(r.w, "%s %s\n", what, name)
	}
}

// Recreating marks name as one whose start replaces a sandbox that ran
// another plan: its start is reported as "recreated".
func (r *Readiness) Recreating(name string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.recreated == nil {
		r.recreated = map[string]bool{}
	}
	r.recreated[name] = true
}

// exists reports whether path exists.
func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
