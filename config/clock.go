package config

import (
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
)

// ClockOffsets are how far the clocks of a sandbox's time namespace are
// moved from the host's: CLOCK_MONOTONIC and CLOCK_BOOTTIME (and their
// variants) read the host's value plus the offset. Either may be negative,
// as long as the clock stays at or above zero when the sandbox starts.
type ClockOffsets struct {
	Monotonic time.Duration
	Boottime  time.Duration
}

// maxClockOffset is the largest offset the kernel takes either way: half
// of the seconds a ktime_t holds (KTIME_SEC_MAX / 2), about 146 years.
const maxClockOffset = time.Duration(4611686018) * time.Second

// clockOffsetsSchema is the body of a clock_offsets block.
var clockOffsetsSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "monotonic"}, {Name: "boottime"}},
}

// decodeClockOffsets decodes the clock_offsets block, which needs a time
// namespace: "time" in namespaces.
func decodeClockOffsets(s *Sandbox, blocks hcl.Blocks, ctx *hcl.EvalContext) hcl.Diagnostics {
	if len(blocks) == 0 {
		return nil
	}
	diags := onlyOne(blocks)
	content, d := blocks[0].Body.Content(clockOffsetsSchema)
	diags = append(diags, d...)
	c := &ClockOffsets{}
	for name, a := range content.Attributes {
		s.Ranges["clock_offsets."+name] = a.Expr.Range()
		v, d := offsetAttr(a, ctx)
		diags = append(diags, d...)
		if name == "monotonic" {
			c.Monotonic = v
		} else {
			c.Boottime = v
		}
	}
	if !s.HasNamespace("time") {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Clock offsets without a time namespace",
			Detail:   `clock_offsets only applies to a sandbox with its own time namespace: add "time" to namespaces.`,
			Subject:  blocks[0].DefRange.Ptr(),
		})
	}
	s.ClockOffsets = c
	return diags
}

// offsetAttr decodes a clock offset: a duration such as "1h" or "-30m",
// or a number of seconds.
func offsetAttr(a *hcl.Attribute, ctx *hcl.EvalContext) (time.Duration, hcl.Diagnostics) {
	text, ok, diags := unitText(a, ctx, `a duration such as "1h" or "-30m"`)
	if !ok {
		return 0, diags
	}
	if v, _ := a.Expr.Value(ctx); v.Type().FriendlyName() == "number" {
		text += "s"
	}
	t := strings.TrimSpace(text)
	neg := strings.HasPrefix(t, "-")
	abs := strings.TrimPrefix(t, "-")
	d, err := ParseDuration(abs)
	if err != nil {
		msg := strings.Replace(err.Error(), strconv.Quote(abs), strconv.Quote(t), 1)
		return 0, invalid(a, "Invalid duration", "The value of %q: %s. %s A leading - moves the clock back.", a.Name, msg, limitDurationHelp)
	}
	if d > maxClockOffset {
		return 0, invalid(a, "Value out of range", "The value of %q is %s; a clock offset is at most 146 years (53375d) either way.", a.Name, text)
	}
	if neg {
		d = -d
	}
	return d, nil
}
