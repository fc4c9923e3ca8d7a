// Package network wires sandboxes onto named networks: the plan of a
// sandbox's wiring (Plan, with the steps `sandbox plan` prints), and on
// Linux its making and undoing: address leases, the network's bridge, a
// veth pair per sandbox, addresses and routes inside, the generated
// /etc/hosts and /etc/resolv.conf, nftables NAT for outbound traffic and
// published ports, and the loopback proxies of ports published on the
// host's loopback, and the host's IPv4 forwarding, turned on behind a
// guard table when a sandbox needs it (EnsureForwarding) unless
// SANDBOX_IP_FORWARD=false. It also answers doctor's questions about
// links, NAT and forwarding (CheckLinks, CheckNAT, ProbeForwarding,
// GuardInstalled).
//
// Without root the same steps are made by the network's holder
// (HolderMain), a process in a user and net namespace of the user's that
// pasta connects to the host: Reserve starts it with the launcher's
// StartHolder and takes a lease before the sandbox's child is made inside
// the holder's user namespace; Wire then asks the holder, over its
// socket, for the bridge, veth and NAT table, and for the connections of
// published ports.
//
// Each step is handed to the caller (Attach's note) before it is made,
// so that the caller's record of a running sandbox names it and Release
// can undo what a crashed launcher left. The state of every network
// lives under a state root's RootDir, guarded by one lock.
//
// It must never import launcher or launcher/state: they call it, and it
// knows nothing of plans, claims or records beyond its own Record.
package network
