package launcher

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/config"
)

// Started without root, a sandbox on a named network is wired by pasta,
// and the plan says that it has no peers; started by root, the plan is
// the bridge's, unchanged.
func TestPlanRootlessNetwork(t *testing.T) {
	n := &config.Network{Name: "back", Subnet: netip.MustParsePrefix("10.89.0.0/24"), Outbound: true}
	s := &config.Sandbox{Name: "web", Command: []string{"/bin/true"}, Namespaces: config.Namespaces,
		Networking: config.Networking{Network: "back", Net: n,
			Ports: []config.Port{{HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: 8080, SandboxPort: 80, Proto: "tcp"}}}}
	root := NewPlan(s, testHost)
	if root.Network == nil || root.Network.Pasta {
		t.Fatalf("root's plan network = %+v, want a bridge", root.Network)
	}
	if steps := strings.Join(root.Network.Steps(), "\n"); strings.Contains(steps, "pasta") {
		t.Errorf("root's steps mention pasta:\n%s", steps)
	}
	user := *testHost
	user.EUID, user.EGID = 1000, 1000
	p := NewPlan(s, &user)
	if p.Network == nil || !p.Network.Pasta {
		t.Fatalf("rootless plan network = %+v, want pasta", p.Network)
	}
	steps := strings.Join(p.Network.Steps(), "\n")
	for _, want := range []string{"pasta joins the sandbox's user and net namespaces", "-T none -U none --no-map-gw",
		"do not reach each other", "publish 127.0.0.1:8080:80/tcp: pasta listens"} {
		if !strings.Contains(steps, want) {
			t.Errorf("rootless steps lack %q:\n%s", want, steps)
		}
	}
	if w := strings.Join(p.HostWarnings, "\n"); !strings.Contains(w, `network "back" through pasta`) {
		t.Errorf("rootless warnings = %q, want the note that there are no peers", w)
	}
}
