package launcher

import (
	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher/network"
)

// planNetwork returns the network wiring of s, or nil when s is not on a
// named network.
func planNetwork(s *config.Sandbox) *network.Plan {
	if !s.OnNetwork() || s.Net == nil {
		return nil
	}
	n := &network.Plan{Network: s.Network, Subnet: s.Net.Subnet, Gateway: s.Net.Subnet.Addr().Next(),
		Outbound: s.Net.Outbound, Ports: s.Ports, DNS: s.DNS}
	seen := map[string]bool{}
	for _, name := range append([]string{SafeName(s.Name), hostname(s)}, s.Aliases...) {
		if !seen[name] {
			seen[name] = true
			n.Names = append(n.Names, name)
		}
	}
	return n
}

// planRootlessNetwork wires a sandbox on a named network that is started
// without root inside the network's holder: a user and net namespace of
// the user's, connected to the host by pasta, in which the sandbox's own
// user namespace is made (see docs/networking.md).
func planRootlessNetwork(p *Plan) {
	if !p.Rootless || p.Network == nil {
		return
	}
	p.Network.Holder = true
}

// planForwarding records what p's network does about the host's IPv4
// forwarding: turn it on, or refuse (network.Forwarding.Refusal). A
// network in a holder's namespace needs none: pasta carries its traffic
// as the user's own connections.
func planForwarding(p *Plan, h *Host) {
	if p.Network != nil && !p.Network.Holder {
		p.Network.SetForwarding(h.Forwarding)
	}
}
