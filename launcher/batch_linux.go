package launcher

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hclsandbox/sandbox/launcher/cgroups"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher/cgroups/devfilter"
)

// BatchCgroup is the parent cgroup of a batch, sandbox/<name>, which holds
// every sandbox's own cgroup and caps them together.
type BatchCgroup struct {
	// Name is the directory under sandbox/.
	Name string
	cg   cgroups.Cgroup
}

// NewBatchCgroup creates the batch cgroup sandbox/<name> with limits l
// (nil: none). A name in use by another batch is refused.
func NewBatchCgroup(h *Host, name string, l *config.Limits) (*BatchCgroup, []string, error) {
	limits, _ := batchLimits(l)
	c := delegatedRoot(batchCgroupConfig(h, l), limits)
	if c.Version == 0 {
		why := "the host has no usable cgroups"
		if c.Unusable != "" {
			why = c.Unusable
		}
		return nil, nil, fmt.Errorf("batch cgroup %s: %s", name, why)
	}
	if len(c.Missing) > 0 && c.Strict {
		return nil, nil, fmt.Errorf("batch cgroup %s: %w", name, missingError(c))
	}
	if inUse(c, name) {
		return nil, nil, fmt.Errorf("batch cgroup %s/%s already exists: another batch uses it", cgroups.CgroupParent, name)
	}
	cg, err := cgroups.NewParentCgroup(c, name, devfilter.Attach)
	if err != nil {
		return nil, nil, err
	}
	warnings, err := cg.Create()
	if err != nil {
		return nil, nil, errors.Join(fmt.Errorf("set up batch cgroup %s: %w", cg.Path(), err), cg.Remove(context.Background()))
	}
	return &BatchCgroup{Name: name, cg: cg}, warnings, nil
}

// inUse reports whether the batch cgroup exists in the first hierarchy.
func inUse(c *cgroups.CgroupConfig, name string) bool {
	dir := filepath.Join(c.Root, cgroups.CgroupParent, name)
	if c.Version == 1 && len(c.Controllers) > 0 {
		dir = filepath.Join(c.Root, c.Controllers[0], cgroups.CgroupParent, name)
	}
	_, err := os.Stat(dir)
	return err == nil
}

// Usage reads what every sandbox of the batch consumed together so far.
func (b *BatchCgroup) Usage() *Usage {
	st := b.cg.Stats()
	return &Usage{PeakMemory: st.PeakMemory, CPUTime: st.CPUTime, OOMKills: st.OOMKills}
}

// Close kills whatever is left in the batch cgroup and removes it, to the
// end: no context stops a cleanup halfway.
func (b *BatchCgroup) Close() error {
	return errors.Join(b.cg.Kill(context.Background()), b.cg.Remove(context.Background()))
}
