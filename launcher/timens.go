package launcher

import (
	"fmt"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/isolation"
)

// planTime gives a sandbox with "time" in its namespaces a time namespace
// whose clocks are moved by its clock_offsets (zero when it has none). A
// kernel before 5.6 has none: the plan says so, and the start fails.
func planTime(p *Plan, s *config.Sandbox, h *Host) {
	if !s.HasNamespace("time") {
		return
	}
	if k := h.Kernel; k.Major != 0 && (k.Major < 5 || k.Major == 5 && k.Minor < 6) {
		p.HostWarnings = append(p.HostWarnings, fmt.Sprintf("time namespace: this kernel (%d.%d) has none; they need Linux 5.6, and the sandbox will not start", k.Major, k.Minor))
	}
	o := &isolation.TimeOffsets{}
	if c := s.ClockOffsets; c != nil {
		o.Monotonic, o.Boottime = int64(c.Monotonic), int64(c.Boottime)
	}
	p.Spec.TimeOffsets = o
}
