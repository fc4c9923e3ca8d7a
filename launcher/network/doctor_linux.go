package network

import (
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"strings"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// CheckLinks says whether bridges and veth pairs can be made here, trying
// them in a throwaway net namespace that vanishes with its thread.
func CheckLinks() error {
	done := make(chan error, 1)
	go func() {
		// The thread changes namespace and is never unlocked, so it
		// ends with this goroutine and the namespace with it.
		runtime.LockOSThread()
		done <- tryLinks()
	}()
	return <-done
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
  chain filter_fwd { type filter hook forward priority filter; iifname "sbr-doctor" oifname "sbr-*" drop; iifname "sbr-doctor" ct direction reply ct status dnat accept; }
}
` + guardRules

// CheckNAT says whether nft takes a network's masquerade and DNAT rules,
// checked by nft without applying them. The error says what is missing.
func CheckNAT() error {
	if _, err := exec.LookPath("nft"); err != nil {
		return errors.New("the nft command is missing (Debian: apt-get install nftables); named networks cannot start")
	}
	cmd := exec.Command("nft", "--check", "-f", "-")
	cmd.Stdin = strings.NewReader(natCheckRules)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("nft refuses masquerade or DNAT rules: %v: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}

// CheckPasta says whether pasta can connect a sandbox started without
// root: it makes a user and net namespace of its own, configures it as
// it would a network's and runs /bin/true there; nsenter and nft, which
// the network's holder needs, must be there too. The error says what is
// missing and how to get it.
func CheckPasta() error {
	if _, err := exec.LookPath("pasta"); err != nil {
		return fmt.Errorf("the pasta command is missing (%s); without root, sandboxes on a named network cannot start", PastaMissing)
	}
	if _, err := exec.LookPath("nsenter"); err != nil {
		return errors.New("the nsenter command is missing (part of util-linux; Debian: apt-get install util-linux); without root, sandboxes on a named network cannot start")
	}
	if _, err := exec.LookPath(NftPath()); err != nil {
		return errors.New("the nft command is missing (Debian: apt-get install nftables); without root, sandboxes on a named network cannot start")
	}
	cmd := exec.Command("pasta", "-f", "-q", "--config-net", "--no-map-gw", "-T", "none", "-U", "none", "-t", "none", "-u", "none", "--", "/bin/true")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("pasta cannot configure a network namespace of this user: %v: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}
