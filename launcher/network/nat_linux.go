package network

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"
)

// natRules is the nftables table of one network: masquerade for outbound
// traffic, DNAT for published ports, no forwarding between networks and,
// without outbound, none beyond the host but replies on published ports.
func natRules(r *Record, leases []*lease) string {
	table, bridge := r.Table, r.Bridge
	var b strings.Builder
	fmt.Fprintf(&b, "table ip %s {\n", table)
	b.WriteString("  chain nat_post {\n    type nat hook postrouting priority srcnat; policy accept;\n")
	if r.Outbound {
		fmt.Fprintf(&b, "    ip saddr %s oifname != %q masquerade\n", r.Subnet, bridge)
	}
	b.WriteString("  }\n  chain nat_pre {\n    type nat hook prerouting priority dstnat; policy accept;\n")
	for _, l := range leases {
		for _, p := range l.Ports {
			match := "fib daddr type local"
			if p.HostIP.IsValid() {
				if p.HostIP.IsLoopback() {
					continue // only the host reaches it: the proxy serves it
				}
				match = "ip daddr " + p.HostIP.String()
			}
			fmt.Fprintf(&b, "    %s %s dport %d dnat to %s:%d\n", match, p.Proto, p.HostPort, l.Addr, p.SandboxPort)
		}
	}
	b.WriteString("  }\n  chain filter_fwd {\n    type filter hook forward priority filter; policy accept;\n")
	fmt.Fprintf(&b, "    iifname %q oifname \"sbr-*\" oifname != %q drop\n", bridge, bridge)
	fmt.Fprintf(&b, "    oifname %q iifname \"sbr-*\" iifname != %q drop\n", bridge, bridge)
	if !r.Outbound {
		// Peers and the host only: nothing the sandboxes start leaves
		// the host, unmasqueraded, once forwarding is on; replies on
		// published ports (DNAT) do.
		fmt.Fprintf(&b, "    iifname %q oifname != %q ct direction reply ct status dnat accept\n", bridge, bridge)
		fmt.Fprintf(&b, "    iifname %q oifname != %q drop\n", bridge, bridge)
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

// applyNAT replaces the network's table atomically.
func applyNAT(table, rules string) error {
	script := fmt.Sprintf("table ip %s {}\ndelete table ip %s\n%s", table, table, rules)
	return nft(script)
}

// deleteNAT removes the network's table, if there is one.
func deleteNAT(table string) error {
	return nft(fmt.Sprintf("table ip %s {}\ndelete table ip %s\n", table, table))
}

func nft(script string) error {
	cmd := exec.Command(NftPath(), "-f", "-")
	cmd.Stdin = strings.NewReader(script)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("nft: %w: %s", err, strings.TrimSpace(out.String()))
	}
	return nil
}
