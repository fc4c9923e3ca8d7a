package network

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"strconv"

	"github.com/hashicorp/hcl/v2"
	"github.com/hclsandbox/sandbox/config"
)

// RootDir is the directory of network state under a state root: one
// directory per network, holding its lock, leases and generated files.
const RootDir = ".net"

// Plan is how a sandbox on a named network is wired, done by the parent
// in the child's net namespace before the child is released.
type Plan struct {
	// Network is the network's name and Subnet its prefix; the bridge
	// holds Gateway, the subnet's first address.
	Network string       `json:"network"`
	Subnet  netip.Prefix `json:"subnet"`
	Gateway netip.Addr   `json:"gateway"`
	// Outbound masquerades traffic that leaves the host.
	Outbound bool `json:"outbound"`
	// TurnOnForwarding is set when, with Outbound, the host's IPv4
	// forwarding was off as the plan was made and the launcher turns it
	// on (EnsureForwarding). KeepForwarding is set by
	// SANDBOX_IP_FORWARD=false: the launcher never turns it on.
	TurnOnForwarding bool `json:"turn_on_ip_forward,omitempty"`
	KeepForwarding   bool `json:"keep_ip_forward,omitempty"`
	// ForwardError says why outbound traffic cannot leave this host
	// (Forwarding.Refusal); such a plan is refused.
	ForwardError string `json:"forward_error,omitempty"`
	// Names are what peers resolve to the sandbox's address: its name,
	// hostname and aliases.
	Names []string `json:"names"`
	// Ports are published on the host.
	Ports []config.Port `json:"ports,omitempty"`
	// DNS are the name servers of a generated /etc/resolv.conf.
	DNS []netip.Addr `json:"dns,omitempty"`
	// Holder wires the sandbox, started without root, inside the
	// namespaces of the network's holder: a bridge there, peers by name,
	// and pasta from there to the host (see docs/networking.md).
	Holder bool `json:"holder,omitempty"`
}

// Steps describes the wiring in the order it is done, for `sandbox plan`.
func (n *Plan) Steps() []string {
	if n.Holder {
		return n.holderSteps()
	}
	steps := []string{
		"bridge for network " + n.Network + " with " + n.Gateway.String() + "/" + strconv.Itoa(n.Subnet.Bits()) + " (made by the first sandbox on it)",
		"lease the next free address of " + n.Subnet.String(),
		"veth pair: host side on the bridge, the other moved into the sandbox as eth0",
		"in the sandbox: lo and eth0 up, address, default route via " + n.Gateway.String(),
		"bind a generated /etc/hosts naming every sandbox on " + n.Network,
	}
	if len(n.DNS) > 0 {
		steps = append(steps, "bind a generated /etc/resolv.conf")
	}
	if n.TurnOnForwarding {
		steps = append(steps, "turn on IPv4 forwarding (net.ipv4.ip_forward is 0), first adding nftables table ip "+GuardTable+
			", which drops forwarded traffic that is not to or from a sandbox bridge")
	}
	if n.Outbound {
		steps = append(steps, "nftables: masquerade "+n.Subnet.String()+" leaving the host")
	} else {
		steps = append(steps, "nftables: drop what "+n.Subnet.String()+" sends beyond the host, but replies on published ports")
	}
	for _, p := range n.Ports {
		steps = append(steps, "publish "+p.String()+": DNAT for other hosts, a proxy on the host's loopback")
	}
	return steps
}

// Record is what a running sandbox's record holds about its network
// wiring, so that whoever cleans up after it can undo it.
type Record struct {
	// Dir is the network's state directory, $SANDBOX_RUN/.net/NETWORK.
	Dir      string     `json:"dir"`
	Network  string     `json:"network"`
	Bridge   string     `json:"bridge"`
	HostVeth string     `json:"host_veth"`
	Table    string     `json:"nft_table"`
	Addr     netip.Addr `json:"addr"`
	// Subnet and Outbound let the NAT table be rebuilt without the plan.
	Subnet   netip.Prefix `json:"subnet"`
	Outbound bool         `json:"outbound"`
	// ViaHolder marks a sandbox started without root, wired inside the
	// network's holder (holder.json in Dir), stopped with the network's
	// last sandbox.
	ViaHolder bool `json:"via_holder,omitempty"`
	// SubnetFile is the network's entry in the host's list of subnets
	// (SubnetsDir), removed with the bridge.
	SubnetFile string `json:"subnet_file,omitempty"`
}

// Preflight checks that a sandbox on a named network can be wired
// here: as root, bridges and NAT rules need the nft command; without
// root, pasta (rootlessDetail).
func Preflight(s *config.Sandbox) hcl.Diagnostics {
	if !s.OnNetwork() {
		return nil
	}
	detail := ""
	if os.Geteuid() != 0 {
		detail = rootlessDetail(s)
	} else if _, err := exec.LookPath(NftPath()); err != nil {
		detail = fmt.Sprintf("Network %q needs the nft command for its NAT rules (Debian: apt-get install nftables).", s.Network)
	}
	if detail == "" {
		return nil
	}
	return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Network unavailable", Detail: detail, Subject: s.Range("network").Ptr()}}
}

// rootlessDetail says why s cannot be on its network without root, or
// "" when it can: pasta (unless the network has outbound = false),
// nsenter and nft must be installed.
func rootlessDetail(s *config.Sandbox) string {
	if _, err := exec.LookPath("pasta"); err != nil && (s.Net == nil || s.Net.Outbound) {
		return fmt.Sprintf("Network %q without root needs pasta, which connects the network's own namespace to the host (%s). Or use network = \"none\" or \"host\".", s.Network, PastaMissing)
	}
	if _, err := exec.LookPath("nsenter"); err != nil {
		return fmt.Sprintf("Network %q without root needs nsenter, which makes the sandbox inside the network's user namespace (nsenter is part of util-linux; Debian: apt-get install util-linux). Or use network = \"none\" or \"host\".", s.Network)
	}
	if _, err := exec.LookPath(NftPath()); err != nil {
		return fmt.Sprintf("Network %q without root needs the nft command for the masquerade in the network's namespace (Debian: apt-get install nftables). Or use network = \"none\" or \"host\".", s.Network)
	}
	return ""
}
