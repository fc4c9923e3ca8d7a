package doctor

import (
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/network"
)

// networkChecks say whether named networks work here: bridges and veth
// pairs and NAT rules (network.CheckLinks, network.CheckNAT), and the
// host's IPv4 forwarding, which outbound traffic and published ports
// need.
func networkChecks(h *launcher.Host) []Check {
	if h.EUID != 0 {
		return []Check{pastaCheck()}
	}
	return []Check{linkCheck(), natCheck(), forwardCheck(h.Forwarding, network.GuardInstalled())}
}

func linkCheck() Check {
	c := Check{Name: "network bridges and veth pairs"}
	if err := network.CheckLinks(); err != nil {
		c.Detail = err.Error()
		return c
	}
	c.OK, c.Detail = true, "sandboxes on a named network get a veth pair on the network's bridge"
	return available(c)
}

func natCheck() Check {
	c := Check{Name: "network NAT (nftables)"}
	if err := network.CheckNAT(); err != nil {
		c.Detail = err.Error()
		return c
	}
	c.OK, c.Detail = true, "masquerade for outbound = true, DNAT for published ports"
	return available(c)
}

// pastaCheck says whether a user without root can put sandboxes on a
// named network, which pasta connects to the host.
func pastaCheck() Check {
	c := Check{Name: "network through pasta (without root)"}
	if err := network.CheckPasta(); err != nil {
		c.Detail = err.Error()
		return c
	}
	c.OK, c.Detail = true, "sandboxes on a named network reach their peers by name, and outbound traffic and published ports go through pasta"
	return c
}
