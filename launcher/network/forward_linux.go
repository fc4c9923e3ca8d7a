package network

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// guardRules keep forwarding between the host's other interfaces as
// closed as it was, as Docker's FORWARD policy DROP does. Every base
// chain on the forward hook sees each packet and a drop in any of them
// is final, so this chain's policy drops what is neither to nor from a
// sandbox bridge whatever other tables accept; its accept ends this
// chain only, so each network's own chain still keeps networks apart.
// Another router on the host (a VM or container bridge made later) gets
// through once its interfaces are in the set passed: other tables
// cannot open this one's drop.
const guardRules = `table ip ` + GuardTable + ` {
  set passed {
    type ifname
  }
  chain forward {
    type filter hook forward priority filter; policy drop;
    iifname "sbr-*" accept
    oifname "sbr-*" accept
    iifname @passed accept
    oifname @passed accept
  }
}
`

// ForwardingNotice is what the launcher says, once, when it turned the
// host's forwarding on.
const ForwardingNotice = "turned on IPv4 forwarding (net.ipv4.ip_forward = 1) for outbound traffic and published ports; " +
	"nftables table ip " + GuardTable + " drops forwarded traffic that is not to or from a sandbox bridge. Both stay until reboot; " +
	"with " + ForwardEnv + "=false the launcher refuses such sandboxes instead"

// EnsureForwarding turns on the host's IPv4 forwarding when it is off,
// first adding the guard table, and returns ForwardingNotice when it did.
// With keep (SANDBOX_IP_FORWARD=false) it changes nothing and fails when
// forwarding is off.
func EnsureForwarding(keep bool) (string, error) {
	b, err := os.ReadFile(ipForwardPath)
	if err != nil {
		return "", fmt.Errorf("read net.ipv4.ip_forward: %w", err)
	}
	if strings.TrimSpace(string(b)) != "0" {
		return "", nil
	}
	if keep {
		return "", fmt.Errorf("net.ipv4.ip_forward is 0 and %s=false keeps the launcher from turning it on: outbound traffic and published ports would be dropped", ForwardEnv)
	}
	if err := applyNAT(GuardTable, guardRules); err != nil {
		return "", fmt.Errorf("add the forwarding guard: %w", err)
	}
	if err := os.WriteFile(ipForwardPath, []byte("1\n"), 0o644); err != nil {
		return "", errors.Join(fmt.Errorf("turn on IPv4 forwarding: %w", err), deleteNAT(GuardTable))
	}
	return ForwardingNotice, nil
}

// GuardInstalled reports whether the guard table is on the host.
func GuardInstalled() bool {
	return nft("list table ip "+GuardTable+"\n") == nil
}
