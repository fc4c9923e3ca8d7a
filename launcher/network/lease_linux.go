package network

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/isolation"
	"golang.org/x/sys/unix"
)

// lease is one address of a network held by one sandbox, stored as
// leases/ADDR in the network's directory.
type lease struct {
	Sandbox string        `json:"sandbox"`
	Addr    netip.Addr    `json:"addr"`
	Names   []string      `json:"names"`
	Ports   []config.Port `json:"ports,omitempty"`
}

// Names are the host-side names of a network's bridge and NAT table.
// They derive from the state root too, so that two state roots never
// share a bridge.
func Names(root, network string) (bridge, table string) {
	h := shortHash(root + "\x00" + network)
	return "sbr-" + h, "sandbox_" + h
}

// VethNames are the host-side names of a sandbox's veth pair.
func VethNames(root, sandbox string) (host, peer string) {
	h := shortHash(root + "\x00" + sandbox)
	return "sv-" + h, "sp-" + h
}

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:4])
}

// lockNet takes the lock of every network under root, which guards
// leases, bridges and NAT tables across launchers. A lock taken on a file
// that RemoveState unlinked meanwhile is dropped and taken again.
func lockNet(root string) (*os.File, error) {
	dir := filepath.Join(root, RootDir)
	path := filepath.Join(dir, "lock")
	for {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("make network state dir: %w", err)
		}
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|unix.O_CLOEXEC, 0o600)
		if err != nil {
			return nil, fmt.Errorf("open network lock: %w", err)
		}
		if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
			f.Close()
			return nil, fmt.Errorf("lock network state: %w", err)
		}
		if stillAt(f, path) {
			return f, nil
		}
		f.Close()
	}
}

// stillAt reports whether path still names the open file f.
func stillAt(f *os.File, path string) bool {
	var a, b unix.Stat_t
	if unix.Fstat(int(f.Fd()), &a) != nil || unix.Stat(path, &b) != nil {
		return false
	}
	return a.Dev == b.Dev && a.Ino == b.Ino
}

// RemoveState removes root's network state directory when no network
// is left in it: only its lock, which it unlinks while holding it.
func RemoveState(root string) error {
	dir := filepath.Join(root, RootDir)
	if _, err := os.Stat(dir); err != nil {
		return nil
	}
	lock, err := lockNet(root)
	if err != nil {
		return err
	}
	defer lock.Close()
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 {
		return err
	}
	if err := os.Remove(filepath.Join(dir, "lock")); err != nil {
		return fmt.Errorf("remove network state: %w", err)
	}
	return os.Remove(dir)
}

// takeLease writes the first free address of n's subnet as name's lease.
// A lease the same name left behind is taken over.
func takeLease(dir string, n *Plan, name string) (*lease, error) {
	ldir := filepath.Join(dir, "leases")
	if err := os.MkdirAll(ldir, 0o700); err != nil {
		return nil, fmt.Errorf("make lease dir: %w", err)
	}
	leases, err := readLeases(dir)
	if err != nil {
		return nil, err
	}
	used := map[netip.Addr]bool{}
	for _, l := range leases {
		if l.Sandbox == name {
			os.Remove(filepath.Join(ldir, l.Addr.String()))
			continue
		}
		used[l.Addr] = true
	}
	last := lastAddr(n.Subnet)
	for a := n.Gateway.Next(); n.Subnet.Contains(a) && a != last; a = a.Next() {
		if used[a] {
			continue
		}
		l := &lease{Sandbox: name, Addr: a, Names: n.Names, Ports: n.Ports}
		b, _ := json.Marshal(l)
		if err := os.WriteFile(filepath.Join(ldir, a.String()), b, 0o600); err != nil {
			return nil, fmt.Errorf("write lease: %w", err)
		}
		return l, nil
	}
	return nil, fmt.Errorf("network %s: no free address in %s", n.Network, n.Subnet)
}

// lastAddr is the subnet's broadcast address.
func lastAddr(p netip.Prefix) netip.Addr {
	a := p.Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	v := (uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])) | host
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// readLeases returns the network's leases sorted by address.
func readLeases(dir string) ([]*lease, error) {
	entries, err := os.ReadDir(filepath.Join(dir, "leases"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read leases: %w", err)
	}
	var out []*lease
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, "leases", e.Name()))
		var l lease
		if err != nil || json.Unmarshal(b, &l) != nil {
			continue
		}
		out = append(out, &l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Addr.Less(out[j].Addr) })
	return out, nil
}

// writeHosts rewrites the network's hosts file in place, so that the
// sandboxes that bind it (the mount pins its inode) see their new peers.
// A sandbox may be resolving a name as it does: the file is never
// truncated first, which left a moment with no name in it, but
// overwritten in one write, with a comment padding it to its old length
// where it shrinks, and cut to length after.
func writeHosts(dir string, leases []*lease) error {
	var b strings.Builder
	b.WriteString("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n")
	for _, l := range leases {
		fmt.Fprintf(&b, "%s\t%s\n", l.Addr, strings.Join(l.Names, " "))
	}
	f, err := os.OpenFile(filepath.Join(dir, "hosts"), os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("write hosts file: %w", err)
	}
	defer f.Close()
	text := b.String()
	if err = overwrite(f, text); err != nil {
		return fmt.Errorf("write hosts file: %w", err)
	}
	return f.Close()
}

// overwrite makes f hold text without a moment when a reader finds less
// than a whole file: text in one write, padded to f's old length with a
// comment line, then f cut to text's length.
func overwrite(f *os.File, text string) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	padded := text
	switch d := int(st.Size()) - len(text); {
	case d == 1:
		padded += "\n"
	case d > 1:
		padded += "#" + strings.Repeat(" ", d-2) + "\n"
	}
	if _, err := f.WriteAt([]byte(padded), 0); err != nil {
		return err
	}
	return f.Truncate(int64(len(text)))
}

// netMounts are the generated files the sandbox sees.
func netMounts(dir string, n *Plan, l *lease) ([]isolation.Mount, error) {
	ms := []isolation.Mount{{Kind: isolation.KindBind, Source: filepath.Join(dir, "hosts"), Target: "/etc/hosts",
		Flags: []string{"ro", "nosuid", "nodev", "noexec"}}}
	if len(n.DNS) == 0 {
		return ms, nil
	}
	var b strings.Builder
	for _, s := range n.DNS {
		fmt.Fprintf(&b, "nameserver %s\n", s)
	}
	path := filepath.Join(dir, "resolv-"+l.Addr.String())
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return nil, fmt.Errorf("write resolv.conf: %w", err)
	}
	return append(ms, isolation.Mount{Kind: isolation.KindBind, Source: path, Target: "/etc/resolv.conf",
		Flags: []string{"ro", "nosuid", "nodev", "noexec"}}), nil
}
