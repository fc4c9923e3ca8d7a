package main

import (
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
