package launcher

import (
	"context"
	"os"
	"testing"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/testenv"
	"github.com/hclsandbox/sandbox/launcher/state"
)

// spareTest is a claimed /bin/true sandbox with a memory limit, whose runs
// take the claim's spare cgroup.
type spareTest struct {
	t     *testing.T
	sd    state.Dir
	s     *config.Sandbox
	plan  *Plan
	claim *state.Claim
}

func newSpareTest(t *testing.T) *spareTest {
	t.Helper()
	testenv.RequireRoot(t)
	s := sandboxFor(testenv.Rootfs(t))
	s.Command = []string{"/bin/true"}
	s.Limits = &config.Limits{Memory: 64 << 20}
	plan := NewPlan(s, probeTestHost())
	if plan.Cgroup == nil {
		t.Skip("no cgroup on this host")
	}
	st := &spareTest{t: t, sd: state.Dir{Root: t.TempDir()}, s: s, plan: plan}
	claim, err := Claim(context.Background(), st.sd, plan, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { claim.Release() })
	st.claim = claim
	return st
}

// run runs p to its end under the claim, renewed first when renew is
// set, and returns the leaf of the cgroup it ran in.
func (st *spareTest) run(p *Plan, renew bool) string {
	st.t.Helper()
	if renew {
		if err := Renew(context.Background(), st.claim, p, false, ""); err != nil {
			st.t.Fatalf("Renew() = %v", err)
		}
	}
	proc, res, err := startUnder(p, Stdio{}, st.claim)
	if err != nil || res != nil {
		st.t.Fatalf("Start() = %v, %v", res, err)
	}
	leaf := st.claim.Cgroup().Leaf
	if res := proc.Wait(); res.ExitCode != 0 {
		st.t.Fatalf("the run ended %s", res.Describe())
	}
	return leaf
}

// spare makes the claim's spare and returns the leaf the record names.
func (st *spareTest) spare(p *Plan) string {
	st.t.Helper()
	if err := PrepareSpare(p, st.claim, Stdio{}); err != nil {
		st.t.Fatalf("PrepareSpare() = %v", err)
	}
	rec := st.record()
	if rec.SpareCgroup == nil {
		st.t.Fatalf("the record names no spare cgroup after PrepareSpare: %+v", rec)
	}
	for _, d := range rec.SpareCgroup.Dirs() {
		if _, err := os.Stat(d); err != nil {
			st.t.Errorf("spare cgroup directory %s: %v", d, err)
		}
	}
	return rec.SpareCgroup.Leaf
}

func (st *spareTest) record() *state.Record {
	st.t.Helper()
	rec, err := st.sd.Read(st.plan.Name)
	if err != nil {
		st.t.Fatal(err)
	}
	return rec
}

// gone fails unless none of leaf's directories is left.
func (st *spareTest) gone(leaf, what string) {
	st.t.Helper()
	for _, d := range cgroupsNamed(leaf[len("sandbox/"):]) {
		st.t.Errorf("%s: cgroup %s is left", what, d)
	}
}

// A relaunch runs in the spare cgroup made while the previous run went
// on, and the record no longer calls it a spare; a spare nobody took is
// removed with the claim.
func TestRelaunchTakesSpareCgroup(t *testing.T) {
	st := newSpareTest(t)
	first := st.run(st.plan, false)
	spare := st.spare(st.plan)
	if spare == first {
		t.Fatalf("the spare is the ended run's cgroup %s", first)
	}
	if got := st.run(st.plan, true); got != spare {
		t.Errorf("the relaunch ran in %s, want the spare %s", got, spare)
	}
	if rec := st.record(); rec.SpareCgroup != nil {
		t.Errorf("the record still names a spare after the relaunch took it: %+v", rec.SpareCgroup)
	}
	st.gone(spare, "after the relaunch that took it ended")
	next := st.spare(st.plan)
	if err := st.claim.Release(); err != nil {
		t.Fatal(err)
	}
	st.gone(next, "after Release")
}

// A spare made for other limits is removed, and the relaunch makes its
// own cgroup with its own limits.
func TestSpareForOtherLimitsDropped(t *testing.T) {
	st := newSpareTest(t)
	st.run(st.plan, false)
	spare := st.spare(st.plan)
	s, limits := *st.s, *st.s.Limits
	limits.Memory = 96 << 20
	s.Limits = &limits
	other := NewPlan(&s, probeTestHost())
	if got := st.run(other, true); got == spare {
		t.Errorf("the relaunch with other limits ran in the spare %s", got)
	}
	st.gone(spare, "after a relaunch with other limits")
	if rec := st.record(); rec.SpareCgroup != nil {
		t.Errorf("the record still names the dropped spare: %+v", rec.SpareCgroup)
	}
}
