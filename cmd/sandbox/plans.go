package main

import (
	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
)

// buildPlans is the one place that turns sandboxes into plans: `up` and
// `run` hand these plans to the child, and `plan` prints them, so what is
// printed is what runs.
func buildPlans(sbs []*config.Sandbox, host *launcher.Host) []*launcher.Plan {
	plans := make([]*launcher.Plan, len(sbs))
	for i, s := range sbs {
		plans[i] = launcher.NewPlan(s, host)
	}
	return plans
}
