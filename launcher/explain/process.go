package explain

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hclsandbox/sandbox/isolation"
)

// explainCapability says whether the sandbox keeps a capability, and
// which setting decided it.
func explainCapability(in Input, what string) *Answer {
	name := strings.ToUpper(what)
	s := in.Sandbox
	a := &Answer{What: name, Kind: "capability"}
	kept := slices.Contains(in.Plan.Spec.Capabilities, name)
	a.Answer = "dropped"
	if kept {
		a.Answer = "kept"
	}
	inList := func(l []string) bool { return slices.Contains(l, name) || slices.Contains(l, "ALL") }
	switch {
	case inList(s.Security.CapDrop) && !kept:
		a.step(where(s.Range("capabilities.drop")), "capabilities { drop } names it")
	case inList(s.Security.CapAdd) && kept:
		a.step(where(s.Range("capabilities.add")), "capabilities { add } names it")
	case slices.Contains(isolation.DefaultCapabilities, name):
		a.step("", "it is one of the default capabilities: %s", strings.Join(isolation.DefaultCapabilities, ", "))
	default:
		a.step("", "it is not one of the default capabilities (%s); add it with capabilities { add = [%q] }", strings.Join(isolation.DefaultCapabilities, ", "), name)
	}
	if s.Security.User != "" && kept {
		a.step(where(s.Range("user")), "the command runs as %s: a non-root user keeps it in the bounding set only, not in its effective set", s.Security.User)
	}
	return a
}

// explainPort says whether a port is published and where.
func explainPort(in Input, what string) *Answer {
	s := in.Sandbox
	a := &Answer{What: what, Kind: "port"}
	n := in.Plan.Network
	if n == nil {
		a.Answer = "not published: the sandbox is on no named network"
		if r, ok := s.Ranges["network"]; ok {
			a.step(where(r), "network = %q", s.Network)
		} else {
			a.step(where(s.DeclRange), "network is not set: the default, \"none\", gives the sandbox only lo")
		}
		return a
	}
	num, proto, _ := strings.Cut(what, "/")
	for _, p := range n.Ports {
		if fmt.Sprint(p.SandboxPort) == num && (proto == "" || proto == p.Proto) {
			a.Answer = "published as " + p.String()
			a.step(where(s.Range("ports")), "ports publishes it")
			a.step(where(s.Range("network")), "on network %s", n.Network)
			return a
		}
	}
	a.Answer = "not published"
	a.step(where(s.Range("ports")), "ports does not list %s", what)
	return a
}
