package launcher

import (
	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher/cgroups"
)

// InBatch puts the plan's cgroup under the batch cgroup sandbox/<name>;
// a plan without a cgroup is left as it is.
func (p *Plan) InBatch(name string) {
	if p.Cgroup != nil && p.Cgroup.Version != 0 {
		c := *p.Cgroup
		c.Parent = name
		p.Cgroup = &c
	}
}

// batchCgroupConfig is the cgroup config of a batch with limits l (nil:
// none): the same writes a sandbox with those limits would get.
func batchCgroupConfig(h *Host, l *config.Limits) *cgroups.CgroupConfig {
	limits, strict := batchLimits(l)
	return cgroups.NewCgroupConfig(h.Cgroups, limits, strict)
}

// batchLimits are a batch's limits l (nil: none) and whether they are strict.
func batchLimits(l *config.Limits) (cgroups.CgroupLimits, bool) {
	if l == nil {
		return cgroups.CgroupLimits{}, true
	}
	return cgroupLimits(l), l.Strict
}
