package launcher

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/hclsandbox/sandbox/launcher/cgroups"
	"github.com/hclsandbox/sandbox/launcher/cgroups/userscope"
)

// probeRootlessCgroups finds the cgroups a launcher without root may use
// under root: its own cgroup v2 subtree when delegated to it; else, when
// the user's systemd manager is reachable on D-Bus, a transient scope
// with Delegate=yes that it asks for when the first sandbox starts
// (delegatedRoot); else none, and Unusable says why, the missing bus
// included. Nothing here connects to the bus or changes a cgroup.
func probeRootlessCgroups(root string, lookupEnv func(string) (string, bool)) cgroups.CgroupHost {
	h := cgroups.ProbeDelegated(root)
	if h.Version != 0 || cgroups.ProbeCgroups(root).Version != 2 {
		return h
	}
	bus, err := userscope.Address(lookupEnv)
	if err != nil {
		h.Unusable += ", and " + err.Error()
		return h
	}
	// What the user's manager was given is what its scopes can have.
	uid := os.Geteuid()
	manager := filepath.Join(root, "user.slice", fmt.Sprintf("user-%d.slice", uid), fmt.Sprintf("user@%d.service", uid))
	ctrls := cgroups.Controllers(manager)
	if ctrls == nil {
		ctrls = cgroups.Controllers(root)
	}
	return cgroups.CgroupHost{Version: 2, Controllers: ctrls, Delegated: true, UserBus: bus}
}
