package network

import (
	"os"
	"os/exec"
	"strconv"
)

// NftPath is the nft command: on PATH, else where Debian puts it, in
// /usr/sbin, which a user's PATH often leaves out.
func NftPath() string {
	if p, err := exec.LookPath("nft"); err == nil {
		return p
	}
	for _, p := range []string{"/usr/sbin/nft", "/sbin/nft"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "nft"
}

// holderSteps describe the wiring of a sandbox started without root: the
// same bridge as root's, inside the network's holder.
func (n *Plan) holderSteps() []string {
	link := "connected to the host by pasta (outbound traffic through the user's sockets, nothing to the host's loopback: -T none -U none --no-map-gw)"
	if !n.Outbound {
		link = "with no way out (outbound = false: no pasta)"
	}
	steps := []string{
		"network holder for " + n.Network + " (started by the first sandbox on it): a process of the user's in a user and net namespace of their own, " + link,
		"the sandbox's own user namespace is made inside the holder's (nsenter, then a stage that clones the child with CLONE_PARENT), so that the holder may move a veth into it",
		"in the holder: bridge with " + n.Gateway.String() + "/" + strconv.Itoa(n.Subnet.Bits()) + ", forwarding on",
		"lease the next free address of " + n.Subnet.String(),
		"in the holder: veth pair, one end on the bridge, the other moved into the sandbox as eth0",
		"in the sandbox: lo and eth0 up, address, default route via " + n.Gateway.String(),
		"bind a generated /etc/hosts naming every sandbox on " + n.Network,
	}
	if len(n.DNS) > 0 {
		steps = append(steps, "bind a generated /etc/resolv.conf")
	}
	if n.Outbound {
		steps = append(steps, "in the holder: nftables masquerade of "+n.Subnet.String()+" leaving through pasta")
	}
	for _, p := range n.Ports {
		steps = append(steps, "publish "+p.String()+": a proxy on the host that connects through the holder")
	}
	return steps
}
