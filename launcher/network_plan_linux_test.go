package launcher

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher/network"
)

func TestPlanNetwork(t *testing.T) {
	n := &config.Network{Name: "back", Subnet: netip.MustParsePrefix("10.89.0.0/24"), Outbound: true}
	port := config.Port{HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: 8080, SandboxPort: 80, Proto: "tcp"}
	tests := []struct {
		name string
		s    *config.Sandbox
		want *network.Plan
	}{
		{"none", &config.Sandbox{Name: "a", Networking: config.Networking{Network: "none"}}, nil},
		{"host", &config.Sandbox{Name: "a", Networking: config.Networking{Network: "host"}}, nil},
		{"named", &config.Sandbox{Name: "db", Hostname: "pg", Networking: config.Networking{Network: "back", Net: n,
			Aliases: []string{"database", "db"}, Ports: []config.Port{port}}},
			&network.Plan{Network: "back", Subnet: n.Subnet, Gateway: netip.MustParseAddr("10.89.0.1"), Outbound: true,
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
