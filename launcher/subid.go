package launcher

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher/state"
)

// planRootlessMaps sets the id maps of a sandbox that an unprivileged
// user starts. With subordinate ranges of its own in /etc/subuid and
// /etc/subgid, root inside is the user and ids 1 and up are its ranges,
// as rootless podman maps them; newuidmap and newgidmap write them
// (SubIDMaps). Without, root inside is the user alone. A uid_map or
// gid_map in the file is kept, and must lie within what the user may map.
func planRootlessMaps(p *Plan, s *config.Sandbox, h *Host) {
	ids := h.SubIDs
	if ids == nil {
		ids = &state.CallerIDs{}
	}
	if s.UIDMap == nil && s.GIDMap == nil {
		if len(ids.UIDs) > 0 && len(ids.GIDs) > 0 {
			p.UIDMap, p.GIDMap = withRanges(h.EUID, ids.UIDs), withRanges(h.EGID, ids.GIDs)
			p.SubIDMaps, p.Spec.BecomeRoot = true, true
			return
		}
		p.UIDMap, p.GIDMap = ownID(h.EUID), ownID(h.EGID)
		return
	}
	p.UIDMap, p.GIDMap = s.UIDMap, s.GIDMap
	if p.UIDMap == nil {
		p.UIDMap = ownID(h.EUID)
	}
	if p.GIDMap == nil {
		p.GIDMap = ownID(h.EGID)
	}
	if isOwnID(p.UIDMap, h.EUID) && isOwnID(p.GIDMap, h.EGID) {
		return // the launcher writes them itself, as for no file maps
	}
	p.SubIDMaps, p.Spec.BecomeRoot = true, true
	problems := outsideRanges("uid_map", "/etc/subuid", p.UIDMap, h.EUID, ids.UIDs)
	p.idMapAttr = "uid_map"
	if len(problems) == 0 {
		p.idMapAttr = "gid_map"
	}
	problems = append(problems, outsideRanges("gid_map", "/etc/subgid", p.GIDMap, h.EGID, ids.GIDs)...)
	if len(problems) > 0 {
		p.IDMapError = fmt.Sprintf("%s may map only its own id and its subordinate ranges: %s",
			callerName(ids, h.EUID), strings.Join(problems, "; "))
	}
}

// noRangeNote is the end of the warning given when the caller has no
// subordinate range: how to get one.
func noRangeNote(ids *state.CallerIDs, uid int) string {
	return fmt.Sprintf("ranges for %s in /etc/subuid and /etc/subgid would map 65536 more (usermod --add-subuids and --add-subgids)", callerName(ids, uid))
}

// withRanges maps root inside to id, and 1 and up to ranges, one after
// the other, as far as ids inside go.
func withRanges(id int, ranges []state.IDRange) []config.IDMap {
	out := ownID(id)
	next := uint64(1)
	for _, r := range ranges {
		n := uint64(r.Count)
		if next+n > 1<<32-1 {
			n = 1<<32 - 1 - next
		}
		if n == 0 {
			break
		}
		out = append(out, config.IDMap{Inside: uint32(next), Outside: r.Start, Count: uint32(n)})
		next += n
	}
	return out
}

// isOwnID reports whether m maps only id, the one an unprivileged user
// may write itself.
func isOwnID(m []config.IDMap, id int) bool {
	return len(m) == 1 && m[0].Count == 1 && int64(m[0].Outside) == int64(id)
}

// outsideRanges lists the lines of m that neither map id alone nor lie
// within one of ranges, the caller's in file.
func outsideRanges(attr, file string, m []config.IDMap, id int, ranges []state.IDRange) []string {
	var out []string
	for _, l := range m {
		if l.Count == 1 && int64(l.Outside) == int64(id) || withinOne(l, ranges) {
			continue
		}
		have := "none"
		if len(ranges) > 0 {
			var rs []string
			for _, r := range ranges {
				rs = append(rs, r.String())
			}
			have = strings.Join(rs, ", ")
		}
		out = append(out, fmt.Sprintf("%s %d:%d:%d needs host ids %d-%d, outside %d and its ranges in %s (%s)",
			attr, l.Inside, l.Outside, l.Count, l.Outside, uint64(l.Outside)+uint64(l.Count)-1, id, file, have))
	}
	return out
}

// withinOne reports whether the host ids of l lie within one of ranges.
func withinOne(l config.IDMap, ranges []state.IDRange) bool {
	for _, r := range ranges {
		if l.Outside >= r.Start && uint64(l.Outside)+uint64(l.Count) <= uint64(r.Start)+uint64(r.Count) {
			return true
		}
	}
	return false
}

// callerName names the launcher's user for messages: its name and uid.
func callerName(ids *state.CallerIDs, uid int) string {
	if ids != nil && ids.Name != "" {
		return fmt.Sprintf("user %s (uid %d)", ids.Name, uid)
	}
	return fmt.Sprintf("uid %d", uid)
}

// idMapDiagnostics reports a uid_map or gid_map that the caller may not
// map (Plan.IDMapError), at the first attribute at fault.
func idMapDiagnostics(p *Plan, s *config.Sandbox) hcl.Diagnostics {
	if p.IDMapError == "" {
		return nil
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Id map not the caller's",
		Detail: fmt.Sprintf("Sandbox %q maps ids that the user starting it may not: %s. Widen the ranges (usermod --add-subuids, --add-subgids) or change the map.",
			s.Name, p.IDMapError),
		Subject: s.Range(p.idMapAttr).Ptr(),
	}}
}
