package main

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
)

// buildPlans is the one place that turns sandboxes into plans: `up` and
// `run` hand these plans to the child, and `plan` prints them, so what is
// printed is what runs. roots maps a sandbox to its prepared root (an
// unpacked tarball's cache directory); plan passes nil and shows the
// configured source instead of unpacking anything.
func buildPlans(sbs []*config.Sandbox, host *launcher.Host, roots map[*config.Sandbox]string) []*launcher.Plan {
	plans := make([]*launcher.Plan, len(sbs))
	for i, s := range sbs {
		plans[i] = launcher.NewPlan(s, host)
		if root, ok := roots[s]; ok {
			plans[i] = plans[i].WithRootfs(root)
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
