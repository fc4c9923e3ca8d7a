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
// found, whose controllers may differ from those planned; where the
// manager gives none, for no cgroup, with the reason in Unusable, so
// that required limits fail the start and optional ones are skipped.
func delegatedRoot(c *cgroups.CgroupConfig, limits cgroups.CgroupLimits) *cgroups.CgroupConfig {
	if !c.Delegated || c.Root != "" {
		return c
	}
	h, err := scopeHost("/sys/fs/cgroup", c.UserBus)
	if err != nil {
		h = cgroups.CgroupHost{Unusable: "no delegated cgroup from the systemd user manager: " + err.Error()}
	}
	out := cgroups.NewCgroupConfig(h, limits, c.Strict)
	out.Parent = c.Parent
	return out
}

// scopeHost finds the delegated subtree under root, asking the manager on
// bus for a scope first when the launcher has none yet.
func scopeHost(root, bus string) (cgroups.CgroupHost, error) {
	if h := cgroups.ProbeDelegated(root); h.Version != 0 {
		return h, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), scopeTimeout)
	defer cancel()
	if _, err := userscope.Start(ctx, bus, os.Getpid()); err != nil {
		return cgroups.CgroupHost{}, err
	}
	h := cgroups.ProbeDelegated(root)
	if h.Version == 0 {
		return h, fmt.Errorf("the scope made is not usable: %s", h.Unusable)
	}
	return h, nil
}
