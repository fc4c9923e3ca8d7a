package network

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hclsandbox/sandbox/isolation"
)

// Reserve takes the place of sandbox name, started without root, on
// network n before its child exists: a lease, and the network's holder,
// started by start when there is none, in whose user namespace the
// child must be made (Holder). Each step is passed to note first, as in
// Attach. Wire connects the child once it runs; Detach undoes both.
func Reserve(root, name string, n *Plan, note func(*Record) error, start StartHolder) (*Attachment, error) {
	lock, err := lockNet(root)
	if err != nil {
		return nil, err
	}
	defer lock.Close()
	bridge, table := Names(root, n.Network)
	host, peer := VethNames(root, name)
	a := &Attachment{name: name, plan: n, peer: peer, rec: &Record{Dir: filepath.Join(root, RootDir, n.Network),
		Network: n.Network, Bridge: bridge, HostVeth: host, Table: table, Subnet: n.Subnet, Outbound: n.Outbound, ViaHolder: true}}
	if err := a.reserve(note, start); err != nil {
		return nil, errors.Join(fmt.Errorf("network %s: %w", n.Network, err), a.undo())
	}
	return a, nil
}

func (a *Attachment) reserve(note func(*Record) error, start StartHolder) error {
	if err := note(a.rec); err != nil {
		return err
	}
	if err := os.MkdirAll(a.rec.Dir, 0o700); err != nil {
		return fmt.Errorf("make network state dir: %w", err)
	}
	l, err := takeLease(a.rec.Dir, a.plan, a.name)
	if err != nil {
		return err
	}
	a.lease, a.rec.Addr = l, l.Addr
	if err := note(a.rec); err != nil {
		return err
	}
	a.holder, err = ensureHolder(a.rec.Dir, a.plan, start)
	return err
}

// Holder is the pid of the process holding the network's namespaces.
func (a *Attachment) Holder() int { return a.holder }

// Wire connects the child pid, made in the holder's user namespace and
// blocked before its setup, to the network reserved for it: the veth
// pair on the holder's bridge, eth0 inside, the hosts file and NAT table
// in the holder's namespace, the published ports' proxies on the host,
// and the generated files added to spec's mounts. On failure the caller
// detaches.
func (a *Attachment) Wire(pid int, spec *isolation.Spec) error {
	lock, err := lockNet(filepath.Dir(filepath.Dir(a.rec.Dir)))
	if err != nil {
		return err
	}
	defer lock.Close()
	if err := a.connect(a.plan, a.lease, pid, a.peer, spec); err != nil {
		return fmt.Errorf("network %s: %w", a.plan.Network, err)
	}
	return nil
}
