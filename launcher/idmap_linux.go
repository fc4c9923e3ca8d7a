package launcher

import (
	"fmt"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher/state"
)

// mapIDs returns p with the id maps it leaves to the launcher (AutoIDs)
// made from ranges allocated to the claim.
func mapIDs(c *state.Claim, p *Plan) (*Plan, error) {
	if p.AutoIDs == 0 || p.UIDMap != nil && p.GIDMap != nil {
		return p, nil
	}
	if c == nil {
		return nil, fmt.Errorf("allocate ids for %s: ids are allocated to a claimed name, whose record holds them; "+
			"set uid_map and gid_map to start it without one", p.Name)
	}
	ids, err := c.AllocateIDs(p.UIDMap == nil, p.GIDMap == nil, p.AutoIDs)
	if err != nil {
		return nil, fmt.Errorf("allocate ids for %s: %w", p.Name, err)
	}
	q := *p
	if q.UIDMap == nil {
		q.UIDMap = []config.IDMap{{Inside: 0, Outside: ids.UID.Start, Count: ids.UID.Count}}
	}
	if q.GIDMap == nil {
		q.GIDMap = []config.IDMap{{Inside: 0, Outside: ids.GID.Start, Count: ids.GID.Count}}
	}
	return &q, nil
}
