package network

import (
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// ensureBridge makes the network's bridge with the gateway address, or
// returns the one there is.
func ensureBridge(name string, n *Plan) (netlink.Link, error) {
	if l, err := netlink.LinkByName(name); err == nil {
		return l, nil
	}
	br := &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: name}}
	if err := netlink.LinkAdd(br); err != nil {
		return nil, fmt.Errorf("add bridge %s: %w", name, err)
	}
	addr := &netlink.Addr{IPNet: ipNet(n.Gateway, n.Subnet.Bits())}
	if err := netlink.AddrAdd(br, addr); err != nil {
		netlink.LinkDel(br)
		return nil, fmt.Errorf("address bridge %s: %w", name, err)
	}
	if err := netlink.LinkSetUp(br); err != nil {
		netlink.LinkDel(br)
		return nil, fmt.Errorf("bring up bridge %s: %w", name, err)
	}
	return br, nil
}

func ipNet(a netip.Addr, bits int) *net.IPNet {
	return &net.IPNet{IP: net.IP(a.AsSlice()), Mask: net.CIDRMask(bits, 32)}
}

// addVeth makes the veth pair, puts the host side on the bridge and moves
// the other into the net namespace of pid.
func addVeth(host, peer string, br netlink.Link, pid int) error {
	v := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: host, MasterIndex: br.Attrs().Index}, PeerName: peer}
	if err := netlink.LinkAdd(v); err != nil {
		return fmt.Errorf("add veth %s: %w", host, err)
	}
	p, err := netlink.LinkByName(peer)
	if err == nil {
		err = netlink.LinkSetNsPid(p, pid)
	}
	if err == nil {
		err = netlink.LinkSetUp(v)
	}
	if err != nil {
		netlink.LinkDel(v)
		return fmt.Errorf("move veth %s into the sandbox: %w", peer, err)
	}
	return nil
}

// configureInside brings up lo and the moved veth as eth0 with addr and
// a default route through the gateway, in the net namespace of pid.
func configureInside(pid int, peer string, addr netip.Addr, n *Plan) error {
	ns, err := netns.GetFromPid(pid)
	if err != nil {
		return fmt.Errorf("open net namespace of %d: %w", pid, err)
	}
	defer ns.Close()
	h, err := netlink.NewHandleAt(ns)
	if err != nil {
		return fmt.Errorf("netlink in the sandbox: %w", err)
	}
	defer h.Close()
	lo, err := h.LinkByName("lo")
	if err == nil {
		err = h.LinkSetUp(lo)
	}
	if err != nil {
		return fmt.Errorf("bring up lo: %w", err)
	}
	eth, err := h.LinkByName(peer)
	if err != nil {
		return fmt.Errorf("find %s in the sandbox: %w", peer, err)
	}
	steps := []struct {
		what string
		do   func() error
	}{
		{"rename to eth0", func() error { return h.LinkSetName(eth, "eth0") }},
		{"address eth0", func() error { return h.AddrAdd(eth, &netlink.Addr{IPNet: ipNet(addr, n.Subnet.Bits())}) }},
		{"bring up eth0", func() error { return h.LinkSetUp(eth) }},
		{"default route", func() error {
			return h.RouteAdd(&netlink.Route{LinkIndex: eth.Attrs().Index, Gw: net.IP(n.Gateway.AsSlice())})
		}},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			return fmt.Errorf("%s: %w", s.what, err)
		}
	}
	return nil
}

// delLink removes a link by name; one that is gone already is fine.
func delLink(name string) error {
	l, err := netlink.LinkByName(name)
	var nf netlink.LinkNotFoundError
	if errors.As(err, &nf) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("find link %s: %w", name, err)
	}
	return deleteLink(l)
}

// deleteLink removes the link l found by name. One that went in between
// is gone already, which is fine: a sandbox's host veth goes by itself
// with its peer when the kernel ends the sandbox's net namespace, which it
// does in the background, so it may well go between lookup and removal.
// Reported as a failure, that kept the network's directory for gc.
func deleteLink(l netlink.Link) error {
	if err := netlink.LinkDel(l); err != nil && !errors.Is(err, unix.ENODEV) {
		return fmt.Errorf("delete link %s: %w", l.Attrs().Name, err)
	}
	return nil
}
