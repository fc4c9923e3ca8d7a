package launcher

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/hclsandbox/sandbox/isolation"
)

// netAttachment is a running sandbox's place on its network, undone when
// the sandbox stops.
type netAttachment struct {
	name    string
	rec     *NetRecord
	proxies []io.Closer
}

// attachNetwork wires the child pid, which blocks before its setup, to
// its network: lease, bridge, veth, addresses, routes, NAT and the
// generated files added to spec's mounts. Each step is in the record
// before it is made, so that gc can undo what a crash left.
func attachNetwork(p *Plan, c *Claim, pid int, spec *isolation.Spec) (*netAttachment, error) {
	n := p.Network
	if n == nil {
		return nil, nil
	}
	if c == nil {
		return nil, errors.New("a sandbox on a network needs a state directory")
	}
	root := filepath.Dir(c.dir)
	lock, err := lockNet(root)
	if err != nil {
		return nil, err
	}
	defer lock.Close()
	bridge, table := netNames(root, n.Network)
	host, peer := vethNames(root, p.Name)
	a := &netAttachment{name: p.Name, rec: &NetRecord{Dir: filepath.Join(root, netRoot, n.Network), Network: n.Network,
		Bridge: bridge, HostVeth: host, Table: table, Subnet: n.Subnet, Outbound: n.Outbound}}
	if err := a.wire(c, n, pid, peer, spec); err != nil {
		return nil, errors.Join(fmt.Errorf("network %s: %w", n.Network, err), a.undo())
	}
	return a, nil
}

func (a *netAttachment) wire(c *Claim, n *NetPlan, pid int, peer string, spec *isolation.Spec) error {
	rec := a.rec
	if err := c.update(func(r *Record) { r.Net = rec }); err != nil {
		return err
	}
	l, err := takeLease(rec.Dir, n, a.name)
	if err != nil {
		return err
	}
	rec.Addr = l.Addr
	if err := c.update(func(r *Record) { r.Net = rec }); err != nil {
		return err
	}
	br, err := ensureBridge(rec.Bridge, n)
	if err != nil {
		return err
	}
	if err := addVeth(rec.HostVeth, peer, br, pid); err != nil {
		return err
	}
	if err := configureInside(pid, peer, l.Addr, n); err != nil {
		return err
	}
	if err := refreshNetwork(rec); err != nil {
		return err
	}
	mounts, err := netMounts(rec.Dir, n, l)
	if err != nil {
		return err
	}
	spec.Mounts = append(append([]isolation.Mount(nil), spec.Mounts...), mounts...)
	a.proxies, err = startProxies(n.Ports, l.Addr)
	return err
}

// refreshNetwork rewrites the hosts file and NAT table from the leases.
func refreshNetwork(rec *NetRecord) error {
	leases, err := readLeases(rec.Dir)
	if err != nil {
		return err
	}
	if err := writeHosts(rec.Dir, leases); err != nil {
		return err
	}
	return applyNAT(rec.Table, natRules(rec, leases))
}

// detach undoes the attachment once the sandbox has ended.
func (a *netAttachment) detach() error {
	if a == nil {
		return nil
	}
	lock, err := lockNet(filepath.Dir(filepath.Dir(a.rec.Dir)))
	if err != nil {
		return err
	}
	defer lock.Close()
	return a.undo()
}

// undo stops the proxies and releases the network; the caller holds the lock.
func (a *netAttachment) undo() error {
	for _, p := range a.proxies {
		p.Close()
	}
	a.proxies = nil
	return releaseNet(a.name, a.rec)
}

// releaseNet removes a sandbox's veth, lease and generated files and, when
// it was the last on its network, the bridge, the NAT table and the
// network's directory. The caller holds the network lock.
func releaseNet(name string, rec *NetRecord) error {
	errs := []error{delLink(rec.HostVeth)}
	// By name, not by the recorded address: a crash between taking the
	// lease and recording its address leaves a lease the record does not
	// name. Names are unique among live sandboxes, so no other is touched.
	leases, _ := readLeases(rec.Dir)
	for _, l := range leases {
		if l.Sandbox == name {
			errs = append(errs, os.Remove(filepath.Join(rec.Dir, "leases", l.Addr.String())))
			os.Remove(filepath.Join(rec.Dir, "resolv-"+l.Addr.String()))
		}
	}
	leases, err := readLeases(rec.Dir)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	if len(leases) > 0 {
		return errors.Join(append(errs, refreshNetwork(rec))...)
	}
	errs = append(errs, deleteNAT(rec.Table), delLink(rec.Bridge))
	if err := errors.Join(errs...); err != nil {
		return err // keep the directory, so that gc can retry
	}
	return os.RemoveAll(rec.Dir)
}

// gcNet releases the network of a record whose supervisor is gone.
func gcNet(name string, rec *NetRecord) error {
	if rec == nil {
		return nil
	}
	lock, err := lockNet(filepath.Dir(filepath.Dir(rec.Dir)))
	if err != nil {
		return err
	}
	defer lock.Close()
	return releaseNet(name, rec)
}
