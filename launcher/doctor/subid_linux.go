package doctor

import (
	"fmt"
	"os/exec"

	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/state"
)

// subIDCheck says whether root-started sandboxes with a user namespace
// and no uid_map can get ids of their own.
func subIDCheck(h *launcher.Host) Check {
	if h.EUID != 0 {
		return callerSubIDCheck(h)
	}
	c := Check{Name: "user namespace ids (root)"}
	p, err := state.SubIDSource{}.Pool(state.DefaultAutoIDs)
	if err != nil {
		c.Detail = err.Error()
		return c
	}
	c.OK = true
	c.Detail = fmt.Sprintf("each sandbox with a user namespace and no uid_map gets %d ids of its own, from user %s's uids %v and gids %v",
		state.DefaultAutoIDs, state.SubIDUser, p.UIDs, p.GIDs)
	return c
}

// callerSubIDCheck says which ids an unprivileged caller's sandboxes map:
// its own id and its subordinate ranges, which newuidmap and newgidmap
// must be there to write, or its own id alone.
func callerSubIDCheck(h *launcher.Host) Check {
	c := Check{Name: "user namespace ids"}
	ids := h.SubIDs
	if ids == nil || len(ids.UIDs) == 0 || len(ids.GIDs) == 0 {
		c.Detail = fmt.Sprintf("not root: root inside is uid %d alone, without a range of yours in both /etc/subuid and /etc/subgid "+
			"(usermod --add-subuids and --add-subgids give one); other users of a root filesystem do not exist inside", h.EUID)
		return c
	}
	for _, helper := range []string{"newuidmap", "newgidmap"} {
		if _, err := exec.LookPath(helper); err != nil {
			c.Detail = fmt.Sprintf("not root: your ranges (uids %v, gids %v) need %s to be mapped: install it (apt-get install uidmap)", ids.UIDs, ids.GIDs, helper)
			return c
		}
	}
	c.OK = true
	c.Detail = fmt.Sprintf("not root: root inside is uid %d, and ids 1 and up your ranges, uids %v and gids %v, mapped by newuidmap and newgidmap",
		h.EUID, ids.UIDs, ids.GIDs)
	return c
}
