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
	for _, want := range []string{`iifname "sbr-x" oifname != "sbr-x" ct direction reply ct status dnat accept`, `iifname "sbr-x" oifname != "sbr-x" drop`} {
		if !strings.Contains(rules, want) {
			t.Errorf("natRules without outbound lacks %q, so its sandboxes reach beyond the host once forwarding is on:\n%s", want, rules)
		}
	}
	rec.Outbound = true
	if strings.Contains(natRules(rec, nil), `iifname "sbr-x" oifname != "sbr-x" drop`) {
		t.Errorf("natRules with outbound drops what leaves:\n%s", natRules(rec, nil))
	}
	if !strings.Contains(natRules(rec, nil), `ip saddr 10.89.0.0/24 oifname != "sbr-x" masquerade`) {
		t.Errorf("natRules with outbound has no masquerade:\n%s", natRules(rec, nil))
	}
}

// TestProbeForwardingSetting: SANDBOX_IP_FORWARD takes what
// strconv.ParseBool takes; false keeps forwarding, anything else is
// reported as it was given.
func TestProbeForwardingSetting(t *testing.T) {
	for _, tc := range []struct {
		v             string
		keep, invalid bool
	}{{"", false, false}, {"true", false, false}, {"1", false, false}, {"false", true, false}, {"0", true, false}, {"off", false, true}} {
		t.Setenv(ForwardEnv, tc.v)
		f := ProbeForwarding()
		if f.Keep != tc.keep || (f.Invalid != "") != tc.invalid {
			t.Errorf("%s=%q: ProbeForwarding() = %+v, want keep %v, invalid %v", ForwardEnv, tc.v, f, tc.keep, tc.invalid)
		}
	}
}
