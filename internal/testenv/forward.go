package testenv

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// GuardTable is the nftables table (family ip) the launcher adds when it
// turns on the host's IPv4 forwarding: network.GuardTable.
const GuardTable = "sandbox_forward"

const ipForwardPath = "/proc/sys/net/ipv4/ip_forward"

// Forwarding is the host's IPv4 forwarding and whether the launcher's
// guard table is there: what a sandbox that needs forwarding changes.
type Forwarding struct {
	value []byte // nil when unreadable
	guard string // the guard table as nft lists it, "" when absent
}

// SaveForwarding reads the host's forwarding state, for Restore.
func SaveForwarding() Forwarding {
	b, _ := os.ReadFile(ipForwardPath)
	return Forwarding{value: b, guard: listGuard()}
}

// Restore puts forwarding and the guard table back as they were saved.
func (f Forwarding) Restore() error {
	if f.value == nil {
		return nil
	}
	var errs []error
	if now, _ := os.ReadFile(ipForwardPath); !bytes.Equal(now, f.value) {
		if err := os.WriteFile(ipForwardPath, f.value, 0o644); err != nil {
			errs = append(errs, fmt.Errorf("restore net.ipv4.ip_forward: %w", err))
		}
	}
	switch now := listGuard(); {
	case f.guard == "" && now != "":
		if out, err := exec.Command("nft", "delete", "table", "ip", GuardTable).CombinedOutput(); err != nil {
			errs = append(errs, fmt.Errorf("delete table ip %s: %w: %s", GuardTable, err, out))
		}
	case f.guard != "" && now == "":
		cmd := exec.Command("nft", "-f", "-")
		cmd.Stdin = strings.NewReader(f.guard)
		if out, err := cmd.CombinedOutput(); err != nil {
			errs = append(errs, fmt.Errorf("restore table ip %s: %w: %s", GuardTable, err, out))
		}
	}
	return errors.Join(errs...)
}

// listGuard is the guard table as nft lists it, or "" when there is none.
func listGuard() string {
	out, err := exec.Command("nft", "list", "table", "ip", GuardTable).Output()
	if err != nil {
		return ""
	}
	return string(out)
}
