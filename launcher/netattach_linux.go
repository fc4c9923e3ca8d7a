package launcher

import (
	"errors"

	"github.com/hclsandbox/sandbox/isolation"
	"github.com/hclsandbox/sandbox/launcher/network"
	"github.com/hclsandbox/sandbox/launcher/state"
)

// attachNetwork wires the child pid of p, which blocks before its setup,
// to p's network (network.Attach), each step in c's record before it is
// made. A plan on no named network attaches nothing. Without root, the
// place reserved before the child was made (peers) is wired; on failure it
// is undone.
func attachNetwork(p *Plan, c *state.Claim, pid int, spec *isolation.Spec, peers *peerStart) (*network.Attachment, error) {
	if p.Network == nil {
		return nil, nil
	}
	if peers != nil {
		if err := peers.att.Wire(pid, spec); err != nil {
			return nil, errors.Join(err, peers.att.Detach())
		}
		return peers.att, nil
	}
	if c == nil {
		return nil, errors.New("a sandbox on a network needs a state directory")
	}
	return network.Attach(c.Root(), c.SharedRoot(), p.Name, p.Network, pid, spec, c.NoteNet)
}
