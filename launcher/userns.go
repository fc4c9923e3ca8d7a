package launcher

import "github.com/hclsandbox/sandbox/config"

// Default id maps of a user namespace. Started by root, root inside is
// 100000 outside, with 65536 ids: an unprivileged range, as container
// engines allocate from /etc/subuid. Started by another user, root inside is
// that user, and it is the only id there.
const (
	defaultOutside = 100000
	defaultCount   = 65536
)

// planUserNamespace sets the id maps of a sandbox that has a user namespace
// and notes what an unprivileged launcher cannot give.
func planUserNamespace(p *Plan, s *config.Sandbox, h *Host) {
	p.Rootless = h.EUID != 0
	if p.Rootless {
		p.HostWarnings = append(p.HostWarnings,
			"started without root: no cgroup, so no limits, usage figures or cgroup kill (the pid namespace still ends the tree)")
	}
	if !s.HasNamespace("user") {
		return
	}
	p.UIDMap, p.GIDMap = s.UIDMap, s.GIDMap
	if p.UIDMap == nil {
		p.UIDMap = defaultMap(h.EUID, p.Rootless)
	}
	if p.GIDMap == nil {
		p.GIDMap = defaultMap(h.EGID, p.Rootless)
	}
}

func defaultMap(own int, rootless bool) []config.IDMap {
	if rootless {
		return []config.IDMap{{Inside: 0, Outside: uint32(own), Count: 1}}
	}
	return []config.IDMap{{Inside: 0, Outside: defaultOutside, Count: defaultCount}}
}
