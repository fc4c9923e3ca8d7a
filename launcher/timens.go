package launcher

import (
	"fmt"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/isolation"
)

// TimeNamespaceWorks reports whether kernel k is known to put an executed
// command into the time namespace made for it: 6.18 does; Debian 12's
// 6.1 leaves the command in the host's namespace (its clocks unmoved) and
// refuses it a thread or a vfork (EINVAL). The kernels between are
// untested, so they are not known to.
func TimeNamespaceWorks(k KernelVersion) bool {
	return k.Major > 6 || k.Major == 6 && k.Minor >= 18
}

// planTime gives a sandbox with "time" in its namespaces a time namespace
// whose clocks are moved by its clock_offsets (zero when it has none). A
// kernel before 5.6 has none: the plan says so, and the start fails. On a
// kernel not known to put the command into it (TimeNamespaceWorks), the
// plan records why in TimeError and the sandbox is refused: it would run
// with its clocks unmoved, a namespace in name only.
func planTime(p *Plan, s *config.Sandbox, h *Host) {
	if !s.HasNamespace("time") {
		return
	}
	switch k := h.Kernel; {
	case k.Major == 0:
	case k.Major < 5 || k.Major == 5 && k.Minor < 6:
		p.HostWarnings = append(p.HostWarnings, fmt.Sprintf("time namespace: this kernel (%d.%d) has none; they need Linux 5.6, and the sandbox will not start", k.Major, k.Minor))
	case !TimeNamespaceWorks(k):
		p.TimeError = fmt.Sprintf("this kernel (%d.%d) leaves an executed command outside its time namespace, with the host's clocks (Debian 12's 6.1 does; 6.18 does not)", k.Major, k.Minor)
	}
	o := &isolation.TimeOffsets{}
	if c := s.ClockOffsets; c != nil {
		o.Monotonic, o.Boottime = int64(c.Monotonic), int64(c.Boottime)
	}
	p.Spec.TimeOffsets = o
}
