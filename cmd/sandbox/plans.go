package main

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/rootfs"
)

// startPlans is the one load-to-plans pipeline of the commands that start
// sandboxes (run, up, up -d, up --watch and its reloads): the host check,
// the preflight, the prepared root filesystems, then the plans.
func (e *env) startPlans(cfg *config.Config, sbs []*config.Sandbox, updateLock bool) (*launcher.Host, []*launcher.Plan, error) {
	host := e.probeHost()
	if err := e.checkHost(host, sbs); err != nil {
		return nil, nil, err
	}
	if err := e.preflight(cfg, sbs); err != nil {
		return nil, nil, err
	}
	roots, err := e.prepareRoots(sbs, updateLock)
	if err != nil {
		return nil, nil, err
	}
	return host, buildPlans(sbs, host, roots), nil
}

// buildPlans is the one place that turns sandboxes into plans: `up` and
// `run` hand these plans to the child, and `plan` prints them, so what is
// printed is what runs. roots maps a sandbox to its prepared root (an
// unpacked tarball's cache directory, an image from the store); plan
// passes nil and shows the configured source instead of unpacking
// anything, and an image only when the store already holds it.
func buildPlans(sbs []*config.Sandbox, host *launcher.Host, roots map[*config.Sandbox]*launcher.PreparedRootfs) []*launcher.Plan {
	plans := make([]*launcher.Plan, len(sbs))
	for i, s := range sbs {
		root, ok := roots[s]
		switch {
		case s.Image != nil && ok:
			plans[i] = launcher.NewImagePlan(s, host, root.Image)
		case s.Image != nil:
			plans[i] = launcher.NewImagePlan(s, host, launcher.StoredImage(s, rootfs.Home()))
		case ok:
			plans[i] = launcher.NewPlan(s, host).WithRootfs(root.Dir)
		default:
			plans[i] = launcher.NewPlan(s, host)
		}
	}
	return plans
}

// checkPlans prints what keeps any plan from starting on this host (a
// seccomp filter that does not compile) and fails with exit code 1 if
// anything does: validate and plan say what run and up would refuse.
func (e *env) checkPlans(cfg *config.Config, sbs []*config.Sandbox, plans []*launcher.Plan) error {
	var diags hcl.Diagnostics
	for i, p := range plans {
		diags = append(diags, launcher.PlanDiagnostics(p, sbs[i])...)
	}
	if len(diags) == 0 {
		return nil
	}
	e.printDiags(diags, cfg.Files)
	return exitCode(exitInvalidConfig)
}
