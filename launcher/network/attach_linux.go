package network

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/hclsandbox/sandbox/isolation"
)

// Attachment is a running sandbox's place on its network, undone when
// the sandbox stops.
type Attachment struct {
	name    string
	rec     *Record
	proxies []io.Closer
	notice  string
	// Without root (Reserve): the holder's pid, and the plan, lease and
	// peer name that Wire uses once the sandbox's child runs.
	holder int
	plan   *Plan
	lease  *lease
	peer   string
}

// Notice is what the attachment did to the host that its user should
// hear of (ForwardingNotice), or empty.
func (a *Attachment) Notice() string {
	if a == nil {
		return ""
	}
	return a.notice
}

// Attach wires the child pid of sandbox name, which blocks before its
// setup, to the network n: lease, bridge, veth, addresses, routes, NAT and
// the generated files added to spec's mounts. root is the state root
// whose RootDir holds the network's state, and shared the host's state
// root whose SubnetsDir keeps the subnets of every root's networks apart
// (placeSubnet). Each step is passed to note
// before it is made, which writes it into the sandbox's record, so that
// gc can undo what a crash left (Release). A nil n attaches nothing.
func Attach(root, shared, name string, n *Plan, pid int, spec *isolation.Spec, note func(*Record) error) (*Attachment, error) {
	if n == nil {
		return nil, nil
	}
	lock, err := lockNet(root)
	if err != nil {
		return nil, err
	}
	defer lock.Close()
	bridge, table := Names(root, n.Network)
	host, peer := VethNames(root, name)
	a := &Attachment{name: name, rec: &Record{Dir: filepath.Join(root, RootDir, n.Network), Network: n.Network,
		Bridge: bridge, HostVeth: host, Table: table, Subnet: n.Subnet, Outbound: n.Outbound}}
	if err := a.wire(shared, note, n, pid, peer, spec); err != nil {
		return nil, errors.Join(fmt.Errorf("network %s: %w", n.Network, err), a.undo())
	}
	return a, nil
}

func (a *Attachment) wire(shared string, note func(*Record) error, n *Plan, pid int, peer string, spec *isolation.Spec) error {
	rec := a.rec
	if err := note(rec); err != nil {
		return err
	}
	n, err := placeSubnet(shared, rec, n)
	if err != nil {
		return err
	}
	if err := note(rec); err != nil {
		return err
	}
	l, err := takeLease(rec.Dir, n, a.name)
	if err != nil {
		return err
	}
	rec.Addr = l.Addr
	if err := note(rec); err != nil {
		return err
	}
	if reason, _ := n.NeedsForwarding(); reason != "" {
		if a.notice, err = EnsureForwarding(n.KeepForwarding); err != nil {
			return err
		}
	}
	return a.connect(n, l, pid, peer, spec)
}

// connect makes the bridge, the veth pair into the net namespace of pid
// with the lease's address, the hosts file, NAT table and proxies.
func (a *Attachment) connect(n *Plan, l *lease, pid int, peer string, spec *isolation.Spec) error {
	rec, ops := a.rec, opsFor(a.rec)
	if err := ops.ensureBridge(rec.Bridge, n); err != nil {
		return err
	}
	if err := ops.addVeth(rec.HostVeth, peer, rec.Bridge, pid, l.Addr, n); err != nil {
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
	a.proxies, err = startProxies(n.Ports, l.Addr, ops.dial)
	return err
}

// refreshNetwork rewrites the hosts file and NAT table from the leases.
func refreshNetwork(rec *Record) error {
	leases, err := readLeases(rec.Dir)
	if err != nil {
		return err
	}
	if err := writeHosts(rec.Dir, leases); err != nil {
		return err
	}
	return opsFor(rec).applyNAT(rec.Table, natRules(rec, leases))
}

// Detach undoes the attachment once the sandbox has ended.
func (a *Attachment) Detach() error {
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
func (a *Attachment) undo() error {
	for _, p := range a.proxies {
		p.Close()
	}
	a.proxies = nil
	return releaseNet(a.name, a.rec)
}

// releaseNet removes a sandbox's veth, lease and generated files and, when
// it was the last on its network, the bridge, the NAT table and the
// network's directory. The caller holds the network lock.
func releaseNet(name string, rec *Record) error {
	ops := opsFor(rec)
	errs := []error{ops.delLink(rec.HostVeth)}
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
	if rec.ViaHolder {
		errs = append(errs, stopHolder(rec.Dir)) // its namespace takes bridge and table along
	} else {
		errs = append(errs, deleteNAT(rec.Table), delLink(rec.Bridge))
	}
	if err := errors.Join(errs...); err != nil {
		return err // keep the directory, so that gc can retry
	}
	if err := releaseSubnet(rec); err != nil {
		return err
	}
	return os.RemoveAll(rec.Dir)
}

// Release undoes the wiring that rec, the network part of sandbox name's
// record, names, for a record whose supervisor is gone. It takes the
// network lock.
func Release(name string, rec *Record) error {
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
