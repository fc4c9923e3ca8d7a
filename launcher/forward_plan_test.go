package launcher

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher/network"
)

// TestPlanForwarding: a sandbox that needs IPv4 forwarding (outbound
// traffic, a port published to other hosts) on a host with it off plans
// to turn it on, or, with SANDBOX_IP_FORWARD=false, is refused at plan
// time with the setting named and the sandbox's network line pointed at.
func TestPlanForwarding(t *testing.T) {
	out := &config.Network{Name: "out", Subnet: netip.MustParsePrefix("10.89.0.0/24"), Outbound: true}
	closed := &config.Network{Name: "closed", Subnet: netip.MustParsePrefix("10.89.1.0/24")}
	remote := []config.Port{{HostPort: 8080, SandboxPort: 80, Proto: "tcp"}}
	local := []config.Port{{HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: 8080, SandboxPort: 80, Proto: "tcp"}}
	off, kept := network.Forwarding{Off: true}, network.Forwarding{Off: true, Keep: true}
	for _, tc := range []struct {
		name   string
		net    *config.Network
		ports  []config.Port
		f      network.Forwarding
		turnOn bool
		refuse string
	}{
		{"outbound, forwarding on", out, nil, network.Forwarding{}, false, ""},
		{"outbound, forwarding off", out, nil, off, true, ""},
		{"outbound, kept off", out, nil, kept, false, `network "out" has outbound = true, which needs net.ipv4.ip_forward = 1; it is 0, and SANDBOX_IP_FORWARD=false keeps the launcher from turning it on`},
		{"kept on", out, nil, network.Forwarding{Keep: true}, false, ""},
		{"closed, port to other hosts", closed, remote, kept, false, "port 8080:80/tcp is published to other hosts"},
		{"closed, loopback port", closed, local, kept, false, ""},
		{"bad setting", out, nil, network.Forwarding{Invalid: "yes please"}, false, `SANDBOX_IP_FORWARD="yes please" is neither true nor false`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &config.Sandbox{Name: "a", Command: []string{"/bin/true"}, Networking: config.Networking{Network: tc.net.Name, Net: tc.net, Ports: tc.ports}}
			h := &Host{EUID: 0, FS: osFS{}, Forwarding: tc.f}
			p := NewPlan(s, h)
			if p.Network.TurnOnForwarding != tc.turnOn {
				t.Errorf("TurnOnForwarding = %v, want %v", p.Network.TurnOnForwarding, tc.turnOn)
			}
			steps := strings.Join(p.Network.Steps(), "\n")
			if strings.Contains(steps, "turn on IPv4 forwarding") != tc.turnOn {
				t.Errorf("Steps() = %q, want the forwarding step %v", steps, tc.turnOn)
			}
			diags, checked := PlanDiagnostics(p, s), CheckPlan(s, h)
			if len(diags) != len(checked) {
				t.Errorf("PlanDiagnostics = %v, CheckPlan = %v: validate and plan must say the same", diags, checked)
			}
			if tc.refuse == "" {
				if len(diags) > 0 || refusal(p) != nil {
					t.Errorf("PlanDiagnostics = %v, want none", diags)
				}
				return
			}
			if len(diags) != 1 || !strings.Contains(diags[0].Detail, tc.refuse) {
				t.Fatalf("PlanDiagnostics = %v, want %q", diags, tc.refuse)
			}
			if res := refusal(p); res == nil || res.ExitCode != 125 || !strings.Contains(res.Describe(), tc.refuse) {
				t.Errorf("refusal() = %+v, want exit 125 and %q", res, tc.refuse)
			}
		})
	}
}

// TestPlanDigestIgnoresForwarding: the first start on an outbound network
// turns the host's forwarding on, the next finds it on; both plans have
// one digest, so that up -d keeps the sandbox and a watch does not
// relaunch it.
func TestPlanDigestIgnoresForwarding(t *testing.T) {
	out := &config.Network{Name: "out", Subnet: netip.MustParsePrefix("10.89.0.0/24"), Outbound: true}
	s := &config.Sandbox{Name: "a", Command: []string{"/bin/true"}, Networking: config.Networking{Network: out.Name, Net: out}}
	off := NewPlan(s, &Host{EUID: 0, FS: osFS{}, Forwarding: network.Forwarding{Off: true}})
	on := NewPlan(s, &Host{EUID: 0, FS: osFS{}})
	if !off.Network.TurnOnForwarding {
		t.Fatal("the plan with forwarding off does not turn it on")
	}
	if a, b := PlanDigest(off), PlanDigest(on); a != b {
		t.Errorf("digest with forwarding off %s, on %s: want one", a, b)
	}
	if !off.Network.TurnOnForwarding {
		t.Error("PlanDigest changed the plan it hashed")
	}
	other := *s
	other.Command = []string{"/bin/false"}
	if PlanDigest(NewPlan(&other, &Host{EUID: 0, FS: osFS{}})) == PlanDigest(on) {
		t.Error("a changed command keeps the digest")
	}
}
