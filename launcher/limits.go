package launcher

import (
	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/isolation"
	"github.com/hclsandbox/sandbox/launcher/cgroups"
)

// planResources adds a sandbox's cgroup, rlimits, OOM score adjustment,
// timeout and cgroup namespace to its plan.
func planResources(p *Plan, s *config.Sandbox, h *Host) {
	p.Timeout = s.Timeout
	p.Spec.OOMScoreAdj = s.OOMScoreAdj
	for _, r := range s.Rlimits {
		p.Spec.Rlimits = append(p.Spec.Rlimits, isolation.Rlimit{Name: r.Name, Soft: r.Soft, Hard: r.Hard})
	}
	// The child enters its cgroup namespace itself, once it is in its
	// cgroup: on v1 it is moved there only after the clone.
	p.Spec.UnshareCgroup = s.HasNamespace("cgroup")
	strict := true
	if s.Limits != nil {
		p.Limits = cgroupLimits(s.Limits)
		strict = s.Limits.Strict
	}
	if h.Cgroups.Version != 0 || s.Limits != nil {
		p.Cgroup = cgroups.NewCgroupConfig(h.Cgroups, p.Limits, strict)
	}
}

func cgroupLimits(l *config.Limits) cgroups.CgroupLimits {
	out := cgroups.CgroupLimits{
		CPUs: l.CPUs, Memory: l.Memory, Pids: l.Pids, CPUWeight: l.CPUWeight, IOWeight: l.IOWeight,
		Optional: l.Optional,
	}
	if l.MemorySwap != nil {
		swap := *l.MemorySwap
		if swap == config.SwapUnlimited {
			swap = cgroups.SwapUnlimited
		}
		out.MemorySwap = &swap
	}
	return out
}

// Warnings are the protections the host cannot give the plan: host
// warnings, then the limits it cannot enforce that limits { optional }
// or limits { strict = false } let it skip.
func (p *Plan) Warnings() []string {
	out := append([]string(nil), p.HostWarnings...)
	if p.Cgroup == nil {
		return out
	}
	skipped := p.Cgroup.Skipped
	if !p.Cgroup.Strict {
		skipped = append(append([]string(nil), p.Cgroup.Missing...), skipped...)
	}
	for _, m := range skipped {
		if p.Cgroup.Unusable != "" {
			out = append(out, m+" not enforced: "+p.Cgroup.Unusable)
			continue
		}
		out = append(out, "cgroup controller "+m+" is missing on this host: limit not enforced")
	}
	return out
}
