package launcher

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// networkChecks say whether named networks work here: bridges and veth
// pairs (tried in a throwaway net namespace that vanishes with its
// thread) and NAT rules (checked by nft without applying them), noting
// the host's forwarding, which outbound traffic and DNAT need.
func networkChecks(h *Host) []Check {
	if h.EUID != 0 {
		return []Check{{Name: "networks", Detail: "not root: sandboxes on a named network need root"}}
	}
	return []Check{linkCheck(), natCheck()}
}

func linkCheck() Check {
	c := Check{Name: "network bridges and veth pairs"}
	done := make(chan error, 1)
	go func() {
		// The thread changes namespace and is never unlocked, so it
		// ends with this goroutine and the namespace with it.
		runtime.LockOSThread()
		done <- tryLinks()
	}()
	if err := <-done; err != nil {
		c.Detail = err.Error()
		return c
	}
	c.OK, c.Detail = true, "sandboxes on a named network get a veth pair on the network's bridge"
	return c
}

func tryLinks() error {
	ns, err := netns.New()
	if err != nil {
		return fmt.Errorf("new net namespace: %w", err)
	}
	defer ns.Close()
	if err := netlink.LinkAdd(&netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: "sbr-doctor"}}); err != nil {
		return fmt.Errorf("add bridge: %w", err)
	}
	if err := netlink.LinkAdd(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "sv-doctor"}, PeerName: "sp-doctor"}); err != nil {
		return fmt.Errorf("add veth pair: %w", err)
	}
	return nil
}

// natCheckRules is a table like a network's, checked and never applied.
const natCheckRules = `table ip sandbox_doctor {
  chain nat_post { type nat hook postrouting priority srcnat; ip saddr 10.88.0.0/24 oifname != "sbr-doctor" masquerade; }
  chain nat_pre { type nat hook prerouting priority dstnat; fib daddr type local tcp dport 8080 dnat to 10.88.0.2:80; }
  chain filter_fwd { type filter hook forward priority filter; iifname "sbr-doctor" oifname "sbr-*" drop; }
}
`

func natCheck() Check {
	c := Check{Name: "network NAT (nftables)"}
	if _, err := exec.LookPath("nft"); err != nil {
		c.Detail = "the nft command is missing (Debian: apt-get install nftables); named networks cannot start"
		return c
	}
	cmd := exec.Command("nft", "--check", "-f", "-")
	cmd.Stdin = strings.NewReader(natCheckRules)
	if out, err := cmd.CombinedOutput(); err != nil {
		c.Detail = fmt.Sprintf("nft refuses masquerade or DNAT rules: %v: %s", err, strings.TrimSpace(string(out)))
		return c
	}
	c.OK, c.Detail = true, "masquerade for outbound = true, DNAT for published ports"
	if note := forwardNote(); note != "" {
		c.Detail += "; " + note
	}
	return c
}

// forwardNote says what a host without IPv4 forwarding lacks; it is a
// note, not a failed check, since peers, the host and published ports on
// the host's own addresses work without it.
func forwardNote() string {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_forward")
	if err != nil || strings.TrimSpace(string(b)) == "1" {
		return ""
	}
	return "net.ipv4.ip_forward is 0, so outbound = true and published ports reached from other hosts need it set to 1"
}
