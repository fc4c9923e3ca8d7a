package runner

import (
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/exitcode"
	"github.com/hclsandbox/sandbox/internal/parallel"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/rootfs"
)

// StartPlans is the one load-to-plans pipeline of the commands that start
// sandboxes (run, up, up -d, up --watch and its reloads): the host check,
// the preflight, the prepared root filesystems, then the plans.
func (r *Runner) StartPlans(cfg *config.Config, sbs []*config.Sandbox, updateLock bool) (*launcher.Host, map[*config.Sandbox]*launcher.PreparedRootfs, []*launcher.Plan, error) {
	host := r.ProbeHost()
	if err := r.checkHost(host, sbs); err != nil {
		return nil, nil, nil, err
	}
	if err := r.preflight(cfg, sbs); err != nil {
		return nil, nil, nil, err
	}
	roots, err := r.PrepareRoots(sbs, updateLock)
	if err != nil {
		return nil, nil, nil, err
	}
	return host, roots, BuildPlans(sbs, host, roots), nil
}

// BuildPlans is the one place that turns sandboxes into plans: `up` and
// `run` hand these plans to the child, and `plan` prints them, so what is
// printed is what runs. roots maps a sandbox to its prepared root (an
// unpacked tarball's cache directory, an image from the store); plan
// passes nil and shows the configured source instead of unpacking
// anything, and an image only when the store already holds it.
func BuildPlans(sbs []*config.Sandbox, host *launcher.Host, roots map[*config.Sandbox]*launcher.PreparedRootfs) []*launcher.Plan {
	plans := make([]*launcher.Plan, len(sbs))
	parallel.For(len(sbs), 64, func(i int) {
		plans[i] = BuildPlan(sbs[i], host, roots)
	})
	return plans
}

// BuildPlan is the plan of one sandbox; planning is pure, so plans of many
// sandboxes are built at once.
func BuildPlan(s *config.Sandbox, host *launcher.Host, roots map[*config.Sandbox]*launcher.PreparedRootfs) *launcher.Plan {
	root, ok := roots[s]
	switch {
	case s.Image != nil && ok:
		return launcher.NewImagePlan(s, host, root.Image)
	case s.Image != nil:
		return launcher.NewImagePlan(s, host, launcher.StoredImage(s, rootfs.Home()))
	case ok:
		return launcher.NewPlan(s, host).WithRootfs(root.Dir)
	default:
		return launcher.NewPlan(s, host)
	}
}

// CheckPlan is CheckPlans for one plan already built.
func (r *Runner) CheckPlan(cfg *config.Config, s *config.Sandbox, p *launcher.Plan) error {
	diags := launcher.PlanDiagnostics(p, s)
	if len(diags) == 0 {
		return nil
	}
	r.PrintDiags(diags, cfg.Files)
	return exitcode.Code(exitcode.InvalidConfig)
}

// CheckPlans prints what keeps any sandbox's plan from starting on this
// host (a seccomp filter that does not compile) and fails with exit code
// 1 if anything does: validate and plan say what run and up would refuse.
// Each plan is dropped once checked, so checking thousands holds none.
func (r *Runner) CheckPlans(cfg *config.Config, sbs []*config.Sandbox, host *launcher.Host) error {
	found := make([]hcl.Diagnostics, len(sbs))
	parallel.For(len(sbs), 64, func(i int) {
		found[i] = launcher.CheckPlan(sbs[i], host)
	})
	diags := slices.Concat(found...)
	if len(diags) == 0 {
		return nil
	}
	r.PrintDiags(diags, cfg.Files)
	return exitcode.Code(exitcode.InvalidConfig)
}
