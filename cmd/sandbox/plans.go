package main

import (
	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/rootfs"
)

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
