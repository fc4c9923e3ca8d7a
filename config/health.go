package config

import (
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Defaults of the health block: those of a compose file's healthcheck.
const (
	DefaultHealthInterval = 30 * time.Second
	DefaultHealthTimeout  = 30 * time.Second
	DefaultHealthRetries  = 3
)

// Health is a sandbox's health block: a command run inside the running
// sandbox, as `sandbox exec` runs one, whose exit code says whether the
// sandbox is ready (0) or not.
type Health struct {
	// Command is the argv of the check; a string in the file is run as
	// ["/bin/sh", "-c", string].
	Command []string
	// Interval is the time between the start of the run and the first
	// check, and between the end of a check and the next.
	Interval time.Duration
	// Timeout kills a check that runs longer; it counts as failed.
	Timeout time.Duration
	// Retries is how many failed checks in a row make the sandbox
	// unhealthy.
	Retries int
	// StartPeriod is how long after the start failed checks do not count;
	// a check that passes in it makes the sandbox healthy at once.
	StartPeriod time.Duration
	// DeclRange is the range of the health block's header.
	DeclRange hcl.Range
}

var healthSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "command", Required: true},
		{Name: "interval"},
		{Name: "timeout"},
		{Name: "retries"},
		{Name: "start_period"},
	},
}

// decodeHealth decodes the sandbox's health block, if any.
func decodeHealth(s *Sandbox, blocks hcl.Blocks, ctx *hcl.EvalContext) hcl.Diagnostics {
	if len(blocks) == 0 {
		return nil
	}
	diags := onlyOne(blocks)
	content, d := blocks[0].Body.Content(healthSchema)
	diags = append(diags, d...)
	h := &Health{Interval: DefaultHealthInterval, Timeout: DefaultHealthTimeout,
		Retries: DefaultHealthRetries, DeclRange: blocks[0].DefRange}
	attrs := content.Attributes
	for name, a := range attrs {
		s.Ranges["health."+name] = a.Expr.Range()
	}
	if a, ok := attrs["command"]; ok {
		v, d := healthCommand(a, ctx)
		diags = append(diags, d...)
		h.Command = v
	}
	for name, dst := range map[string]*time.Duration{"interval": &h.Interval, "timeout": &h.Timeout} {
		if a, ok := attrs[name]; ok {
			t, d := durationAttr(a, ctx)
			diags = append(diags, d...)
			*dst = t
		}
	}
	if a, ok := attrs["start_period"]; ok {
		t, d := periodAttr(a, ctx)
		diags = append(diags, d...)
		h.StartPeriod = t
	}
	if a, ok := attrs["retries"]; ok {
		n, d := wholeNumber(a, ctx, 1, 1_000_000)
		diags = append(diags, d...)
		h.Retries = int(n)
	}
	s.Health = h
	return append(diags, checkHealthInit(s)...)
}

// healthCommand reads the check: a list of strings run as it is, or a
// string run by /bin/sh -c.
func healthCommand(a *hcl.Attribute, ctx *hcl.EvalContext) ([]string, hcl.Diagnostics) {
	v, diags := evalChecked(a.Expr, ctx)
	if diags.HasErrors() || !v.IsWhollyKnown() || v.IsNull() {
		return nil, diags
	}
	if v.Type() == cty.String {
		if v.AsString() == "" {
			return nil, invalid(a, "Empty command", "The health check needs a command, such as \"test -e /run/ready\" or [\"/bin/check\"].")
		}
		argv := []string{"/bin/sh", "-c", v.AsString()}
		return argv, checkCommand(argv, a)
	}
	argv, d := stringList(a, ctx)
	return argv, append(d, checkCommand(argv, a)...)
}

// periodAttr decodes a duration that may be zero, such as start_period.
func periodAttr(a *hcl.Attribute, ctx *hcl.EvalContext) (time.Duration, hcl.Diagnostics) {
	text, ok, diags := unitText(a, ctx, `a duration such as "30s"`)
	if !ok {
		return 0, diags
	}
	if v, _ := a.Expr.Value(ctx); v.Type() == cty.Number {
		text += "s"
	}
	if text == "0s" || text == "0" {
		return 0, nil
	}
	return durationAttr(a, ctx)
}

// checkHealthInit reports a health block on a sandbox without an init:
// the init is what starts the check inside the sandbox.
func checkHealthInit(s *Sandbox) hcl.Diagnostics {
	if s.Init == nil || *s.Init {
		return nil
	}
	r := s.Range("init")
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Health check without an init",
		Detail:   "The health check runs inside the sandbox through its init, as `sandbox exec` does; remove init = false, or the health block.",
		Subject:  r.Ptr(),
	}}
}

// checkHealthyDepends reports a "healthy" dependency on a sandbox that
// has no health block: it would never become healthy.
func checkHealthyDepends(c *Config) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, s := range c.Sandboxes {
		for _, d := range s.DependsOn {
			if d.Condition != Healthy {
				continue
			}
			for _, t := range d.Targets {
				if ts := c.Lookup(t); ts != nil && ts.Health == nil {
					diags = append(diags, &hcl.Diagnostic{
						Severity: hcl.DiagError,
						Summary:  "Dependency without a health check",
						Detail:   s.Name + " waits for " + t + " to be healthy, but " + t + " has no health block; add one, or wait for \"started\".",
						Subject:  d.Range.Ptr(),
					})
					break
				}
			}
		}
	}
	return diags
}
