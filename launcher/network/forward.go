package network

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// ForwardEnv is the setting that keeps the launcher from turning on the
// host's IPv4 forwarding, as dockerd's --ip-forward=false does:
// SANDBOX_IP_FORWARD=false. Unset or true, a network with outbound =
// true turns it on when it is off (see EnsureForwarding).
const ForwardEnv = "SANDBOX_IP_FORWARD"

// GuardTable is the nftables table (family ip) the launcher adds when it
// turns on the host's IPv4 forwarding.
const GuardTable = "sandbox_forward"

// ipForwardPath is the host's IPv4 forwarding switch, net.ipv4.ip_forward.
const ipForwardPath = "/proc/sys/net/ipv4/ip_forward"

// Forwarding is the host's IPv4 forwarding as a plan sees it. The zero
// value is a host whose forwarding the launcher may turn on.
type Forwarding struct {
	// Off is set when net.ipv4.ip_forward is 0.
	Off bool
	// Keep is set by SANDBOX_IP_FORWARD=false: the launcher never turns
	// forwarding on.
	Keep bool
	// Invalid is the value of SANDBOX_IP_FORWARD when it is neither true
	// nor false.
	Invalid string
}

// ProbeForwarding reads net.ipv4.ip_forward and SANDBOX_IP_FORWARD. A
// host without the file (not Linux) counts as forwarding.
func ProbeForwarding() Forwarding {
	f := Forwarding{}
	if b, err := os.ReadFile(ipForwardPath); err == nil {
		f.Off = strings.TrimSpace(string(b)) == "0"
	}
	v, ok := os.LookupEnv(ForwardEnv)
	if !ok || v == "" {
		return f
	}
	allow, err := strconv.ParseBool(v)
	switch {
	case err != nil:
		f.Invalid = v
	case !allow:
		f.Keep = true
	}
	return f
}

// TurnsOn reports whether a network with outbound = true turns the
// host's forwarding on.
func (f Forwarding) TurnsOn() bool { return f.Off && !f.Keep && f.Invalid == "" }

// Refusal says why a sandbox that needs forwarding (for the reason and
// with the way to do without that NeedsForwarding gives) cannot start on
// this host, naming the setting to change; empty when it can.
func (f Forwarding) Refusal(reason, without string) string {
	if f.Invalid != "" {
		return fmt.Sprintf("%s=%q is neither true nor false; unset it, or set it to true (the launcher turns on IPv4 forwarding when a sandbox needs it) or false (it never does)",
			ForwardEnv, f.Invalid)
	}
	if !f.Off || !f.Keep {
		return ""
	}
	return fmt.Sprintf("%s, which needs net.ipv4.ip_forward = 1; it is 0, and %s=false keeps the launcher from turning it on. "+
		"Turn it on (sysctl -w net.ipv4.ip_forward=1), unset %s, or %s", reason, ForwardEnv, ForwardEnv, without)
}

// NeedsForwarding says why n needs the host's IPv4 forwarding, outbound
// traffic or a port published to other hosts (DNAT), and how to do
// without; empty when it does not (peers, the host and ports on its
// loopback work without).
func (n *Plan) NeedsForwarding() (reason, without string) {
	if n.Outbound {
		return fmt.Sprintf("network %q has outbound = true", n.Network),
			fmt.Sprintf("set outbound = false in a network %q block", n.Network)
	}
	for _, p := range n.Ports {
		if !p.HostIP.IsValid() || !p.HostIP.IsLoopback() {
			return fmt.Sprintf("port %s is published to other hosts", p), "publish it on 127.0.0.1 only"
		}
	}
	return "", ""
}

// SetForwarding records in n what it does about the host's forwarding f.
func (n *Plan) SetForwarding(f Forwarding) {
	reason, without := n.NeedsForwarding()
	if reason == "" {
		return
	}
	n.TurnOnForwarding = f.TurnsOn()
	n.KeepForwarding = f.Keep
	n.ForwardError = f.Refusal(reason, without)
}
