package export

import (
	"strconv"

	"github.com/hclsandbox/sandbox/launcher"
)

// dockerHealth gives docker run the plan's health check: docker runs
// --health-cmd with /bin/sh -c, so a check that is one already passes
// its script, any other its words quoted.
func dockerHealth(c *Command, p *launcher.Plan) {
	h := p.Health
	if h == nil {
		return
	}
	cmd := QuoteAll(h.Command)
	if len(h.Command) == 3 && h.Command[0] == "/bin/sh" && h.Command[1] == "-c" {
		cmd = h.Command[2]
	}
	c.add("--health-cmd", cmd, "--health-interval", h.Interval.String(), "--health-timeout", h.Timeout.String(),
		"--health-retries", strconv.Itoa(h.Retries))
	if h.StartPeriod > 0 {
		c.add("--health-start-period", h.StartPeriod.String())
	}
}

// healthWarning says that a target without health checks leaves the
// plan's out.
func healthWarning(c *Command, p *launcher.Plan) {
	if p.Health != nil {
		c.warnf("health check %s: %s runs none; left out", QuoteAll(p.Health.Command), c.Groups[0][0])
	}
}
