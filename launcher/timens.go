package launcher

import (
	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/isolation"
)

// planTime gives a sandbox with "time" in its namespaces a time namespace
// whose clocks are moved by its clock_offsets (zero when it has none).
func planTime(p *Plan, s *config.Sandbox) {
	if !s.HasNamespace("time") {
		return
	}
	o := &isolation.TimeOffsets{}
	if c := s.ClockOffsets; c != nil {
		o.Monotonic, o.Boottime = int64(c.Monotonic), int64(c.Boottime)
	}
	p.Spec.TimeOffsets = o
}
