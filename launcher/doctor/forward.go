package doctor

import (
	"fmt"

	"github.com/hclsandbox/sandbox/launcher/network"
)

// forwardCheck says what outbound traffic and ports published to other
// hosts get from the host's IPv4 forwarding f; guard is whether the
// launcher's guard table is there. Forwarding is a feature, never a
// protection: the line is available, off or unsupported.
func forwardCheck(f network.Forwarding, guard bool) Check {
	c := Check{Name: "IPv4 forwarding (outbound, published ports)"}
	switch {
	case f.Invalid != "":
		c.Detail = f.Refusal("", "")
	case f.Off && f.Keep:
		c.State = Off
		c.Detail = fmt.Sprintf("net.ipv4.ip_forward is 0 and %s=false keeps it so: sandboxes on a network with outbound = true "+
			"(the default network has it) or with ports published to other hosts are refused", network.ForwardEnv)
	case f.Off:
		c.OK = true
		c.Detail = fmt.Sprintf("net.ipv4.ip_forward is 0: the first sandbox that needs it turns it on, first adding nftables table ip %s, "+
			"which drops forwarded traffic that is not to or from a sandbox bridge (%s=false refuses such sandboxes instead)",
			network.GuardTable, network.ForwardEnv)
	case guard:
		c.OK = true
		c.Detail = fmt.Sprintf("on, turned on by the launcher: nftables table ip %s drops forwarded traffic that is not to or from a sandbox bridge",
			network.GuardTable)
	default:
		c.OK = true
		c.Detail = "on (net.ipv4.ip_forward = 1, set on this host): what the host forwards between its other interfaces is up to its own firewall"
	}
	return available(c)
}
