package network

import (
	"net"
	"net/netip"
	"time"

	"github.com/vishvananda/netlink"
)

// netOps are the privileged steps of wiring a network. As root they are
// made here, in the host's namespaces (localOps); without root, by the
// network's holder in the namespaces it keeps (holderOps).
type netOps interface {
	ensureBridge(name string, n *Plan) error
	// addVeth makes the pair host/peer, puts host on bridge and peer,
	// as eth0 with addr, into the net namespace of pid.
	addVeth(host, peer, bridge string, pid int, addr netip.Addr, n *Plan) error
	applyNAT(table, rules string) error
	deleteNAT(table string) error
	delLink(name string) error
	// dial connects to a sandbox's address, for a published port.
	dial(to string) (net.Conn, error)
}

// localOps wires networks in the launcher's own namespaces, as root.
type localOps struct{}

func (localOps) ensureBridge(name string, n *Plan) error {
	_, err := ensureBridge(name, n)
	return err
}

func (localOps) addVeth(host, peer, bridge string, pid int, addr netip.Addr, n *Plan) error {
	br, err := netlink.LinkByName(bridge)
	if err != nil {
		return err
	}
	if err := addVeth(host, peer, br, pid); err != nil {
		return err
	}
	return configureInside(pid, peer, addr, n)
}

func (localOps) applyNAT(table, rules string) error { return applyNAT(table, rules) }
func (localOps) deleteNAT(table string) error       { return deleteNAT(table) }
func (localOps) delLink(name string) error          { return delLink(name) }

func (localOps) dial(to string) (net.Conn, error) {
	return net.DialTimeout("tcp4", to, 5*time.Second)
}

// opsFor are the steps for the network a record names.
func opsFor(rec *Record) netOps {
	if rec.ViaHolder {
		return holderOps{dir: rec.Dir}
	}
	return localOps{}
}
