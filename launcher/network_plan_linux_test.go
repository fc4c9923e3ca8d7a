package launcher

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/config"
)

func TestPlanNetwork(t *testing.T) {
	n := &config.Network{Name: "back", Subnet: netip.MustParsePrefix("10.89.0.0/24"), Outbound: true}
	port := config.Port{HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: 8080, SandboxPort: 80, Proto: "tcp"}
	tests := []struct {
		name string
		s    *config.Sandbox
		want *NetPlan
	}{
		{"none", &config.Sandbox{Name: "a", Networking: config.Networking{Network: "none"}}, nil},
		{"host", &config.Sandbox{Name: "a", Networking: config.Networking{Network: "host"}}, nil},
		{"named", &config.Sandbox{Name: "db", Hostname: "pg", Networking: config.Networking{Network: "back", Net: n,
			Aliases: []string{"database", "db"}, Ports: []config.Port{port}}},
			&NetPlan{Network: "back", Subnet: n.Subnet, Gateway: netip.MustParseAddr("10.89.0.1"), Outbound: true,
				Names: []string{"db", "pg", "database"}, Ports: []config.Port{port}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := planNetwork(tt.s)
			if (got == nil) != (tt.want == nil) {
				t.Fatalf("planNetwork() = %+v, want %+v", got, tt.want)
			}
			if got == nil {
				return
			}
			if got.Network != tt.want.Network || got.Gateway != tt.want.Gateway || got.Outbound != tt.want.Outbound ||
				!slices.Equal(got.Names, tt.want.Names) || !slices.Equal(got.Ports, tt.want.Ports) {
				t.Errorf("planNetwork() = %+v, want %+v", got, tt.want)
			}
			steps := strings.Join(got.Steps(), "\n")
			for _, want := range []string{"10.89.0.1/24", "masquerade 10.89.0.0/24", "publish 127.0.0.1:8080:80/tcp"} {
				if !strings.Contains(steps, want) {
					t.Errorf("Steps() = %q, want %q in it", steps, want)
				}
			}
		})
	}
}

func TestLastAddrAndNatRules(t *testing.T) {
	if got := lastAddr(netip.MustParsePrefix("10.89.0.0/22")); got.String() != "10.89.3.255" {
		t.Errorf("lastAddr(10.89.0.0/22) = %s, want 10.89.3.255", got)
	}
	rec := &NetRecord{Bridge: "sbr-x", Table: "sandbox_x", Subnet: netip.MustParsePrefix("10.89.0.0/24")}
	leases := []*lease{{Sandbox: "a", Addr: netip.MustParseAddr("10.89.0.2"), Ports: []config.Port{
		{HostPort: 8080, SandboxPort: 80, Proto: "tcp"},
		{HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: 5432, SandboxPort: 5432, Proto: "tcp"},
	}}}
	rules := natRules(rec, leases)
	if strings.Contains(rules, "masquerade") {
		t.Errorf("natRules without outbound masquerades:\n%s", rules)
	}
	if !strings.Contains(rules, "fib daddr type local tcp dport 8080 dnat to 10.89.0.2:80") {
		t.Errorf("natRules has no DNAT for 8080:\n%s", rules)
	}
	if strings.Contains(rules, "5432") {
		t.Errorf("natRules DNATs a loopback-only port, which the proxy serves:\n%s", rules)
	}
	rec.Outbound = true
	if !strings.Contains(natRules(rec, nil), `ip saddr 10.89.0.0/24 oifname != "sbr-x" masquerade`) {
		t.Errorf("natRules with outbound has no masquerade:\n%s", natRules(rec, nil))
	}
}
