package network

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/config"
)

func TestLastAddrAndNatRules(t *testing.T) {
	if got := lastAddr(netip.MustParsePrefix("10.89.0.0/22")); got.String() != "10.89.3.255" {
		t.Errorf("lastAddr(10.89.0.0/22) = %s, want 10.89.3.255", got)
	}
	rec := &Record{Bridge: "sbr-x", Table: "sandbox_x", Subnet: netip.MustParsePrefix("10.89.0.0/24")}
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
