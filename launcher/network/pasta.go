package network

import "strconv"

// PastaMissing is the fix for a host without pasta.
const PastaMissing = "pasta is part of passt; Debian: apt-get install passt"

// pastaSteps describe the wiring of a sandbox started without root.
func (n *Plan) pastaSteps() []string {
	steps := []string{
		"pasta joins the sandbox's user and net namespaces: eth0 with the host's address and routes, outbound traffic through the host's sockets",
		"pasta forwards nothing from the sandbox to the host's loopback (-T none -U none --no-map-gw)",
		"no peers: without root, sandboxes on network " + n.Network + " do not reach each other",
	}
	if len(n.DNS) > 0 {
		steps = append(steps, "bind a generated /etc/resolv.conf")
	}
	for _, p := range n.Ports {
		steps = append(steps, "publish "+p.String()+": pasta listens on the host and forwards to port "+strconv.Itoa(int(p.SandboxPort)))
	}
	return steps
}
