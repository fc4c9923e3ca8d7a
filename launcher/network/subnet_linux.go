package network

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// SubnetsDir, under the host's state root, lists the subnet of every
// network bridge of every project, one file per bridge, so that no two
// bridges of the host hold overlapping subnets: two projects that both
// declare network "back" get two bridges and two subnets.
const SubnetsDir = ".subnets"

// privateBlocks are the RFC 1918 blocks, where a network whose subnet
// another project's network holds looks for a free one.
var privateBlocks = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
}

// subnetEntry is one bridge's file in SubnetsDir.
type subnetEntry struct {
	Subnet netip.Prefix `json:"subnet"`
	// Dir is the network's state directory; an entry whose directory is
	// gone is a crashed launcher's, and free.
	Dir string `json:"dir"`
}

// placeSubnet returns n on the subnet its network holds on this host:
// the one its entry in shared's SubnetsDir names, or, for a network not
// placed yet, n's own subnet unless another bridge's overlaps it, else
// the next free subnet of the same size in its private block (the
// subnets of one project's files never overlap, so only another
// project's, or another state root's, can be in the way). It makes the
// network's directory and records the entry in rec. An empty shared
// places nothing.
func placeSubnet(shared string, rec *Record, n *Plan) (*Plan, error) {
	if shared == "" {
		return n, nil
	}
	dir := filepath.Join(shared, SubnetsDir)
	lock, err := lockFile(dir)
	if err != nil {
		return nil, err
	}
	defer lock.Close()
	own := filepath.Join(dir, rec.Bridge)
	subnet, err := chooseSubnet(dir, own, rec.Dir, n)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(rec.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("make network state dir: %w", err)
	}
	b, _ := json.Marshal(subnetEntry{Subnet: subnet, Dir: rec.Dir})
	if err := os.WriteFile(own, b, 0o600); err != nil {
		return nil, fmt.Errorf("record subnet: %w", err)
	}
	rec.SubnetFile, rec.Subnet = own, subnet
	placed := *n
	placed.Subnet, placed.Gateway = subnet, subnet.Addr().Next()
	return &placed, nil
}

// chooseSubnet is the subnet of the network whose entry is own.
func chooseSubnet(dir, own, netDir string, n *Plan) (netip.Prefix, error) {
	taken, mine := readSubnets(dir, own)
	if mine.Subnet.IsValid() && mine.Dir != netDir {
		// Two roots whose names hash alike: never share a bridge.
		return netip.Prefix{}, fmt.Errorf("network %s: bridge %s is the bridge of %s", n.Network, filepath.Base(own), mine.Dir)
	}
	if mine.Subnet.IsValid() {
		return mine.Subnet, nil
	}
	block := blockOf(n.Subnet)
	p := n.Subnet
	for {
		if overlapping(taken, p) == "" {
			return p, nil
		}
		if p = nextPrefix(p); !block.Contains(p.Addr()) {
			p = netip.PrefixFrom(block.Addr(), p.Bits())
		}
		if p == n.Subnet {
			return netip.Prefix{}, fmt.Errorf("network %s: no subnet of %d bits in %s is free on this host", n.Network, p.Bits(), block)
		}
	}
}

// blockOf is the private block that holds p, or p itself.
func blockOf(p netip.Prefix) netip.Prefix {
	for _, b := range privateBlocks {
		if b.Contains(p.Addr()) && b.Bits() <= p.Bits() {
			return b
		}
	}
	return p
}

// readSubnets reads the entries of dir but own, removing those whose
// network directory is gone, and own if it is live.
func readSubnets(dir, own string) (map[string]subnetEntry, subnetEntry) {
	entries, _ := os.ReadDir(dir)
	taken := map[string]subnetEntry{}
	var mine subnetEntry
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		b, err := os.ReadFile(path)
		var s subnetEntry
		if e.Name() == "lock" || err != nil || json.Unmarshal(b, &s) != nil {
			continue
		}
		if _, err := os.Stat(s.Dir); err != nil {
			os.Remove(path)
			continue
		}
		if path == own {
			mine = s
			continue
		}
		taken[path] = s
	}
	return taken, mine
}

// overlapping is the entry of taken whose subnet overlaps p, or "".
func overlapping(taken map[string]subnetEntry, p netip.Prefix) string {
	for path, s := range taken {
		if s.Subnet.Overlaps(p) {
			return path
		}
	}
	return ""
}

// nextPrefix is the prefix of p's length that follows p.
func nextPrefix(p netip.Prefix) netip.Prefix {
	next := lastAddr(p).Next()
	return netip.PrefixFrom(next, p.Bits())
}

// releaseSubnet removes the network's entry once its bridge is gone.
func releaseSubnet(rec *Record) error {
	if rec.SubnetFile == "" || !strings.HasSuffix(rec.SubnetFile, "/"+rec.Bridge) {
		return nil
	}
	if err := os.Remove(rec.SubnetFile); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("remove subnet entry: %w", err)
	}
	return nil
}

// lockFile makes dir and takes the exclusive lock of its file "lock".
func lockFile(dir string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("make %s: %w", dir, err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "lock"), os.O_RDWR|os.O_CREATE|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock in %s: %w", dir, err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	return f, nil
}
