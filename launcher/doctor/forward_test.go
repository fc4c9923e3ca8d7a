package doctor

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/launcher/network"
)

// TestForwardCheckLabels: forwarding is a feature, so doctor never calls
// it enforced: available when on or when the launcher turns it on, off
// when SANDBOX_IP_FORWARD=false keeps it off (no failure), unsupported
// for a value that is neither true nor false.
func TestForwardCheckLabels(t *testing.T) {
	for _, tc := range []struct {
		name  string
		f     network.Forwarding
		guard bool
		label string
		want  string
	}{
		{"turned on here", network.Forwarding{}, true, Available, "turned on by the launcher"},
		{"on by the host", network.Forwarding{}, false, Available, "set on this host"},
		{"off", network.Forwarding{Off: true}, false, Available, "the first sandbox that needs it turns it on"},
		{"kept off", network.Forwarding{Off: true, Keep: true}, false, Off, "SANDBOX_IP_FORWARD=false keeps it so"},
		{"bad setting", network.Forwarding{Invalid: "maybe"}, false, Unsupported, `SANDBOX_IP_FORWARD="maybe" is neither true nor false`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := forwardCheck(tc.f, tc.guard)
			if c.Label() != tc.label || !strings.Contains(c.Detail, tc.want) {
				t.Errorf("forwardCheck(%+v) = %q %+v, want %q and %q", tc.f, c.Label(), c, tc.label, tc.want)
			}
			var out bytes.Buffer
			err := Write(&out, []Check{c}, false)
			if fails := err != nil; fails != (tc.label == Unsupported) {
				t.Errorf("Write(%s) = %v, want a failure only when unsupported", tc.label, err)
			}
			if !strings.Contains(out.String(), "  "+tc.label+"  ") {
				t.Errorf("Write(%s) printed %q", tc.label, out.String())
			}
		})
	}
}

// TestDoctorFeaturesNeverEnforced: the lines about features that protect
// nothing by themselves are labelled available, never enforced.
func TestDoctorFeaturesNeverEnforced(t *testing.T) {
	features := map[string]bool{
		"unprivileged user namespaces (rootless)":     true,
		"user namespace ids (root)":                   true,
		"overlay filesystem":                          true,
		"network bridges and veth pairs":              true,
		"network NAT (nftables)":                      true,
		"IPv4 forwarding (outbound, published ports)": true,
	}
	seen := 0
	for _, c := range Run() {
		if !features[c.Name] {
			continue
		}
		seen++
		if c.Label() == Enforced {
			t.Errorf("doctor calls %q enforced; it is a feature: %+v", c.Name, c)
		}
	}
	if seen < 3 {
		t.Errorf("doctor gave %d of the feature lines, want at least overlay and user namespaces", seen)
	}
}
