package launcher

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/hclsandbox/sandbox/launcher/cgroups"
	"github.com/hclsandbox/sandbox/launcher/cgroups/userscope"
)

// scopeTimeout bounds the wait for the user's systemd manager.
const scopeTimeout = 30 * time.Second

// delegatedRoot returns c with its Root set, when the plan left it to the
// user's systemd manager (CgroupConfig.UserBus): the launcher's own cgroup
// if it is delegated already (an earlier sandbox of this launcher had the
// scope made), else a transient scope with Delegate=yes that the manager
// moves the launcher into. The config is made again for the subtree
// found, whose controllers may differ from those planned.
func delegatedRoot(c *cgroups.CgroupConfig, limits cgroups.CgroupLimits) (*cgroups.CgroupConfig, error) {
	if !c.Delegated || c.Root != "" {
		return c, nil
	}
	const root = "/sys/fs/cgroup"
	h := cgroups.ProbeDelegated(root)
	if h.Version == 0 {
		ctx, cancel := context.WithTimeout(context.Background(), scopeTimeout)
		defer cancel()
		if _, err := userscope.Start(ctx, c.UserBus, os.Getpid()); err != nil {
			return nil, fmt.Errorf("delegated cgroup from the systemd user manager: %w", err)
		}
		if h = cgroups.ProbeDelegated(root); h.Version == 0 {
			return nil, fmt.Errorf("delegated cgroup from the systemd user manager: %s", h.Unusable)
		}
	}
	out := cgroups.NewCgroupConfig(h, limits, c.Strict)
	out.Parent = c.Parent
	return out, nil
}
