package launcher

import (
	"fmt"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher/state"
)

// planUserNamespace sets the id maps of a sandbox that has a user namespace
// and notes what an unprivileged launcher cannot give. Started by root,
// the sandbox gets DefaultAutoIDs host uids or gids of its own for each map
// it does not set, allocated when it starts from the sandbox user's
// subordinate ranges (AutoIDs): sandboxes running at once never share host
// ids, with each other or with a user's own subordinate range. Started by
// another user, root inside is that user, and the user's own subordinate
// ranges, when it has some, are ids 1 and up (planRootlessMaps).
func planUserNamespace(p *Plan, s *config.Sandbox, h *Host) {
	p.Rootless = h.EUID != 0
	if p.Rootless && h.Cgroups.Version == 0 {
		why := ""
		if h.Cgroups.Unusable != "" {
			why = " (" + h.Cgroups.Unusable + ")"
		}
		p.HostWarnings = append(p.HostWarnings,
			"started without root: no cgroup"+why+", so no limits, usage figures or cgroup kill (the pid namespace still ends the tree)")
	}
	if !wantsUserNamespace(s, h) {
		return
	}
	if !p.Rootless {
		p.UIDMap, p.GIDMap = s.UIDMap, s.GIDMap
		p.AutoIDs = AutoIDCount(s, h)
		return
	}
	planRootlessMaps(p, s, h)
	if !s.HasNamespace("user") && !p.SubIDMaps {
		p.HostWarnings = append(p.HostWarnings, fmt.Sprintf(
			"started without root: a user namespace of its own, root inside mapped to uid %d and gid %d alone (files owned by other ids show as nobody; %s)",
			h.EUID, h.EGID, noRangeNote(h.SubIDs, h.EUID)))
	}
}

// wantsUserNamespace reports whether a sandbox started on h gets a user
// namespace: when its namespaces list "user", and always when started
// without root, where a user namespace is what lets an ordinary user
// make the others. The file need not change to run without root.
func wantsUserNamespace(s *config.Sandbox, h *Host) bool {
	return s.HasNamespace("user") || h.EUID != 0
}

// AutoIDCount is how many host uids, and gids, a sandbox started on h gets
// from the sandbox user's subordinate ranges: DefaultAutoIDs when root
// starts it with a user namespace and without uid_map or gid_map, else 0.
func AutoIDCount(s *config.Sandbox, h *Host) uint32 {
	if h.EUID != 0 || !s.HasNamespace("user") || s.UIDMap != nil && s.GIDMap != nil {
		return 0
	}
	return state.DefaultAutoIDs
}

// ownID maps root inside to the launcher's own id, the one id an
// unprivileged user may map.
func ownID(id int) []config.IDMap {
	return []config.IDMap{{Inside: 0, Outside: uint32(id), Count: 1}}
}
