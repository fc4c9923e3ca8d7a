package launcher

import (
	"fmt"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/isolation"
)

// planTime gives a sandbox with "time" in its namespaces a time namespace
// whose clocks are moved by its clock_offsets (zero when it has none). A
// kernel before 5.6 has none: the plan says so, and the start fails.
// TimeNamespaceThreads reports whether a multithreaded command is known to
// start its threads in a time namespace on kernel k: it does on 6.18, and
// does not on Debian 12's 6.1, where the executed command stays outside
// the namespace made for its children and the kernel refuses it a thread
// (EINVAL); the kernels between are untested, so they are not known to.
func TimeNamespaceThreads(k KernelVersion) bool {
	return k.Major > 6 || k.Major == 6 && k.Minor >= 18
}

func planTime(p *Plan, s *config.Sandbox, h *Host) {
	if !s.HasNamespace("time") {
		return
	}
	switch k := h.Kernel; {
	case k.Major == 0:
	case k.Major < 5 || k.Major == 5 && k.Minor < 6:
		p.HostWarnings = append(p.HostWarnings, fmt.Sprintf("time namespace: this kernel (%d.%d) has none; they need Linux 5.6, and the sandbox will not start", k.Major, k.Minor))
	case !TimeNamespaceThreads(k):
		p.HostWarnings = append(p.HostWarnings, fmt.Sprintf("time namespace: on this kernel (%d.%d) its command may not start threads (Debian 12's 6.1 refuses them with EINVAL, 6.18 does not): a multithreaded command (Go, Java) may fail there", k.Major, k.Minor))
	}
	o := &isolation.TimeOffsets{}
	if c := s.ClockOffsets; c != nil {
		o.Monotonic, o.Boottime = int64(c.Monotonic), int64(c.Boottime)
	}
	p.Spec.TimeOffsets = o
}
