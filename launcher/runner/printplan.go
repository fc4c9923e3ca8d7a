package runner

import (
	"fmt"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/report"
)

// Plan prints the plans of sbs (`sandbox plan`) on stdout: as numbered
// steps, or as one JSON array. Each plan is built again as it is
// printed, so that printing thousands never holds them all.
func (r *Runner) Plan(cfg *config.Config, sbs []*config.Sandbox, asJSON bool) error {
	host := r.ProbeHost()
	if err := r.CheckPlans(cfg, sbs, host); err != nil {
		return err
	}
	plan := func(i int) *launcher.Plan { return BuildPlan(sbs[i], host, nil) }
	if asJSON {
		return report.WritePlansJSON(r.Stdout, len(sbs), plan)
	}
	for i := range sbs {
		if i > 0 {
			fmt.Fprintln(r.Stdout)
		}
		report.WritePlan(r.Stdout, plan(i), sbs[i])
	}
	return nil
}
