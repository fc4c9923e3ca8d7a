package config

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Network modes a sandbox's network attribute may name besides a network.
const (
	// NetworkNone is a private network namespace with only lo, the default.
	NetworkNone = "none"
	// NetworkHost shares the host's network namespace.
	NetworkHost = "host"
	// DefaultNetwork is the network that exists without a block.
	DefaultNetwork = "default"
	// DefaultSubnet is the subnet of the implicit default network.
	DefaultSubnet = "10.88.0.0/24"
)

// Network is a top-level network block: a bridge with a private subnet
// that its sandboxes share.
type Network struct {
	Name string
	// Subnet holds the bridge's address (the first) and the sandboxes'.
	Subnet netip.Prefix
	// Outbound lets the sandboxes reach beyond the host through NAT.
	Outbound bool
	// Implicit is set for the default network when no block declares it.
	Implicit  bool
	DeclRange hcl.Range
}

// Port is one published port: HostIP:HostPort on the host forwards to
// SandboxPort of the sandbox.
type Port struct {
	// HostIP is the host address to listen on; invalid means every address.
	HostIP      netip.Addr
	HostPort    uint16
	SandboxPort uint16
	// Proto is "tcp" or "udp".
	Proto string
}

// String is the port in the form it is written in.
func (p Port) String() string {
	s := fmt.Sprintf("%d:%d/%s", p.HostPort, p.SandboxPort, p.Proto)
	if p.HostIP.IsValid() {
		s = p.HostIP.String() + ":" + s
	}
	return s
}

// Networking is what a sandbox declares about its network.
type Networking struct {
	// Network is NetworkNone, NetworkHost or the name of a network.
	Network string
	// Ports are published on the host; only on a named network.
	Ports []Port
	// Aliases are further names its peers resolve to its address.
	Aliases []string
	// DNS are the name servers of its /etc/resolv.conf; nil keeps the rootfs's.
	DNS []netip.Addr
	// Net is the network named by Network once loading resolved it.
	Net *Network
}

// OnNetwork reports whether the sandbox joins a named network.
func (n *Networking) OnNetwork() bool {
	return n.Network != "" && n.Network != NetworkNone && n.Network != NetworkHost
}

var networkSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "subnet"}, {Name: "outbound"}},
}

// decodeNetworking fills network, ports, aliases and dns.
func decodeNetworking(s *Sandbox, attrs hcl.Attributes, ctx *hcl.EvalContext) hcl.Diagnostics {
	var diags hcl.Diagnostics
	s.Network = NetworkNone
	if !s.HasNamespace("net") {
		s.Network = NetworkHost
	}
	if a, ok := attrs["network"]; ok {
		v, ok, d := stringValue(a, ctx)
		diags = append(diags, d...)
		if ok {
			diags = append(diags, setNetwork(s, v, a)...)
		}
	}
	if a, ok := attrs["ports"]; ok {
		v, d := stringList(a, ctx)
		diags = append(diags, d...)
		for _, p := range v {
			port, err := ParsePort(p)
			if err != nil {
				diags = append(diags, invalid(a, "Invalid port", "%q: %s. Write \"HOST:SANDBOX\", \"IP:HOST:SANDBOX\", optionally with \"/tcp\" or \"/udp\".", p, err)...)
				continue
			}
			s.Ports = append(s.Ports, port)
		}
		diags = append(diags, checkPortsDistinct(s.Ports, a)...)
		diags = append(diags, needNetwork(s, a)...)
	}
	if a, ok := attrs["aliases"]; ok {
		v, d := stringList(a, ctx)
		diags = append(diags, d...)
		for _, name := range v {
			if name == "" || !isHostname(name) || len(name) > 63 {
				diags = append(diags, invalid(a, "Invalid alias", "%q is not a valid host name.", name)...)
			}
		}
		s.Aliases = v
		diags = append(diags, needNetwork(s, a)...)
	}
	if a, ok := attrs["dns"]; ok {
		v, d := stringList(a, ctx)
		diags = append(diags, d...)
		for _, ip := range v {
			addr, err := netip.ParseAddr(ip)
			if err != nil {
				diags = append(diags, invalid(a, "Invalid DNS server", "%q is not an IP address.", ip)...)
				continue
			}
			s.DNS = append(s.DNS, addr)
		}
		diags = append(diags, needNetwork(s, a)...)
	}
	return diags
}

// setNetwork applies the network attribute to the sandbox's namespaces.
func setNetwork(s *Sandbox, v string, a *hcl.Attribute) hcl.Diagnostics {
	switch {
	case v == NetworkHost:
		s.Namespaces = without(s.Namespaces, "net")
	case v == NetworkNone || validName.match(v):
		if !s.HasNamespace("net") {
			return invalid(a, "Network without a net namespace",
				"network = %q needs \"net\" in namespaces; use network = \"host\" to share the host's network.", v)
		}
	default:
		return invalid(a, "Invalid network", "%q is not a network: use \"none\", \"host\" or the name of a network block.", v)
	}
	s.Network = v
	return nil
}

func needNetwork(s *Sandbox, a *hcl.Attribute) hcl.Diagnostics {
	if s.OnNetwork() {
		return nil
	}
	return invalid(a, "Attribute needs a network",
		"%q applies only to a sandbox on a named network (network = \"default\" or a network block), not network = %q.", a.Name, s.Network)
}

func without(list []string, drop string) []string {
	var out []string
	for _, v := range list {
		if v != drop {
			out = append(out, v)
		}
	}
	return out
}

// ParsePort parses "HOST:SANDBOX", "IP:HOST:SANDBOX" with an optional
// "/tcp" or "/udp".
func ParsePort(s string) (Port, error) {
	p := Port{Proto: "tcp"}
	spec, proto, found := strings.Cut(s, "/")
	if found {
		if proto != "tcp" && proto != "udp" {
			return p, fmt.Errorf("unknown protocol %q", proto)
		}
		p.Proto = proto
	}
	parts := strings.Split(spec, ":")
	if len(parts) == 3 {
		ip, err := netip.ParseAddr(parts[0])
		if err != nil || !ip.Is4() {
			return p, fmt.Errorf("%q is not an IPv4 address", parts[0])
		}
		p.HostIP, parts = ip, parts[1:]
	}
	if len(parts) != 2 {
		return p, fmt.Errorf("want two ports")
	}
	var err error
	if p.HostPort, err = portNumber(parts[0]); err != nil {
		return p, err
	}
	p.SandboxPort, err = portNumber(parts[1])
	return p, err
}

func portNumber(s string) (uint16, error) {
	n, err := strconv.ParseUint(s, 10, 16)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("%q is not a port number (1-65535)", s)
	}
	return uint16(n), nil
}

func checkPortsDistinct(ports []Port, a *hcl.Attribute) hcl.Diagnostics {
	seen := map[string]bool{}
	for _, p := range ports {
		k := fmt.Sprintf("%d/%s", p.HostPort, p.Proto)
		if seen[k] {
			return invalid(a, "Duplicate port", "Host port %s is published twice.", k)
		}
		seen[k] = true
	}
	return nil
}

// decodeNetworks decodes every network block of the loaded files, adds the
// implicit default network and checks that every sandbox names a network
// that exists and that no host port is published twice.
func (l *loader) decodeNetworks(cfg *Config) hcl.Diagnostics {
	var diags hcl.Diagnostics
	cfg.Networks = map[string]*Network{}
	for _, f := range l.files {
		ctx := l.evalContext(f.dir)
		for _, b := range f.networks {
			n, d := decodeNetwork(b, ctx)
			diags = append(diags, d...)
			if prev, ok := cfg.Networks[n.Name]; ok {
				diags = append(diags, duplicate("network", n.Name, prev.DeclRange, n.DeclRange))
				continue
			}
			diags = append(diags, checkOverlap(cfg.Networks, n)...)
			cfg.Networks[n.Name] = n
		}
	}
	if _, ok := cfg.Networks[DefaultNetwork]; !ok {
		n := &Network{Name: DefaultNetwork, Subnet: netip.MustParsePrefix(DefaultSubnet), Outbound: true, Implicit: true}
		diags = append(diags, checkOverlap(cfg.Networks, n)...)
		cfg.Networks[DefaultNetwork] = n
	}
	diags = append(diags, checkNetworkRefs(cfg)...)
	return append(diags, checkHostPorts(cfg.Sandboxes)...)
}

func decodeNetwork(b *hcl.Block, ctx *hcl.EvalContext) (*Network, hcl.Diagnostics) {
	n := &Network{Name: b.Labels[0], Subnet: netip.MustParsePrefix(DefaultSubnet), Outbound: true, DeclRange: b.DefRange}
	content, diags := b.Body.Content(networkSchema)
	if !validName.match(n.Name) || n.Name == NetworkNone || n.Name == NetworkHost {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid network name",
			Detail:  fmt.Sprintf("%q is not a valid network name: use letters, digits, '_', '.' or '-', and neither \"none\" nor \"host\".", n.Name),
			Subject: b.LabelRanges[0].Ptr()})
	}
	if a, ok := content.Attributes["subnet"]; ok {
		v, ok, d := stringValue(a, ctx)
		diags = append(diags, d...)
		if ok {
			p, err := netip.ParsePrefix(v)
			switch {
			case err != nil || !p.Addr().Is4():
				diags = append(diags, invalid(a, "Invalid subnet", "%q is not an IPv4 subnet such as \"10.88.0.0/24\".", v)...)
			case p.Bits() < 16 || p.Bits() > 29:
				diags = append(diags, invalid(a, "Invalid subnet", "%q: use a prefix length from /16 to /29.", v)...)
			case !p.Addr().IsPrivate():
				diags = append(diags, invalid(a, "Invalid subnet", "%q is not a private (RFC 1918) subnet.", v)...)
			default:
				n.Subnet = p.Masked()
			}
		}
	}
	if a, ok := content.Attributes["outbound"]; ok {
		v, d := attrValue(a, ctx, cty.Bool, "a bool")
		diags = append(diags, d...)
		if !d.HasErrors() && !v.IsNull() {
			n.Outbound = v.True()
		}
	}
	return n, diags
}

func checkOverlap(nets map[string]*Network, n *Network) hcl.Diagnostics {
	for _, o := range nets {
		if o.Subnet.Overlaps(n.Subnet) {
			return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Overlapping subnets",
				Detail:  fmt.Sprintf("Network %q uses %s, which overlaps %s of network %q.", n.Name, n.Subnet, o.Subnet, o.Name),
				Subject: n.DeclRange.Ptr()}}
		}
	}
	return nil
}

func checkNetworkRefs(cfg *Config) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, s := range cfg.Sandboxes {
		if !s.OnNetwork() {
			continue
		}
		if s.Net = cfg.Networks[s.Network]; s.Net != nil {
			continue
		}
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unknown network",
			Detail:  fmt.Sprintf("No network block is named %q; declare network %q { subnet = \"...\" } or use \"default\", \"none\" or \"host\".", s.Network, s.Network),
			Subject: s.Range("network").Ptr()})
	}
	return diags
}

// checkHostPorts reports a host port that two sandboxes publish.
func checkHostPorts(sbs []*Sandbox) hcl.Diagnostics {
	var diags hcl.Diagnostics
	seen := map[string]string{}
	for _, s := range sbs {
		for _, p := range s.Ports {
			k := fmt.Sprintf("%d/%s", p.HostPort, p.Proto)
			if prev, ok := seen[k]; ok {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Duplicate port",
					Detail:  fmt.Sprintf("Host port %s is already published by sandbox %q.", k, prev),
					Subject: s.Range("ports").Ptr()})
				continue
			}
			seen[k] = s.Name
		}
	}
	return diags
}
