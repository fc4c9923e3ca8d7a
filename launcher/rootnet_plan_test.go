package launcher

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/config"
)

// Started without root, a sandbox on a named network is wired inside the
// network's holder, and the plan says how: the holder and its pasta, the
// child made inside the holder's user namespace, the bridge there, the
// hosts file and the proxy of each published port. Started by root, the
// plan is the bridge's, unchanged.
func TestPlanRootlessNetwork(t *testing.T) {
	n := &config.Network{Name: "back", Subnet: netip.MustParsePrefix("10.89.0.0/24"), Outbound: true}
	s := &config.Sandbox{Name: "web", Command: []string{"/bin/true"}, Namespaces: config.Namespaces,
		Networking: config.Networking{Network: "back", Net: n,
			Ports: []config.Port{{HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: 8080, SandboxPort: 80, Proto: "tcp"}}}}
	root := NewPlan(s, testHost)
	if root.Network == nil || root.Network.Holder {
		t.Fatalf("root's plan network = %+v, want a bridge", root.Network)
	}
	if steps := strings.Join(root.Network.Steps(), "\n"); strings.Contains(steps, "pasta") || strings.Contains(steps, "holder") {
		t.Errorf("root's steps mention pasta or a holder:\n%s", steps)
	}
	user := *testHost
	user.EUID, user.EGID = 1000, 1000
	p := NewPlan(s, &user)
	if p.Network == nil || !p.Network.Holder {
		t.Fatalf("rootless plan network = %+v, want the holder", p.Network)
	}
	steps := strings.Join(p.Network.Steps(), "\n")
	for _, want := range []string{"network holder for back", "-T none -U none --no-map-gw", "inside the holder's (nsenter",
		"in the holder: bridge with 10.89.0.1/24", "generated /etc/hosts", "masquerade of 10.89.0.0/24",
		"publish 127.0.0.1:8080:80/tcp: a proxy on the host that connects through the holder"} {
		if !strings.Contains(steps, want) {
			t.Errorf("rootless steps lack %q:\n%s", want, steps)
		}
	}
	n.Outbound = false
	closed := strings.Join(NewPlan(s, &user).Network.Steps(), "\n")
	if !strings.Contains(closed, "no way out") || strings.Contains(closed, "masquerade") {
		t.Errorf("rootless steps of an outbound = false network:\n%s", closed)
	}
}
