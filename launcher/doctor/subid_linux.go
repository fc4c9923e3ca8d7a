package doctor

import (
	"fmt"

	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/state"
)

// subIDCheck says whether root-started sandboxes with a user namespace
// and no uid_map can get ids of their own.
func subIDCheck(h *launcher.Host) Check {
	c := Check{Name: "user namespace ids (root)"}
	if h.EUID != 0 {
		c.OK, c.Detail = true, "not root: a user namespace maps the caller's own id"
		return c
	}
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
