package network

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"syscall"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// HolderArg is the hidden first argument of the program that keeps a
// network's user and net namespaces for sandboxes started without root:
// `sandbox HolderArg DIR`, DIR the network's state directory, where its
// socket is: a directory of the user's that no sandbox sees unless the
// user binds it in (the host's view has system directories only).
const HolderArg = "__sandbox_net_holder__"

// holderSock is the holder's socket in the network's directory.
const holderSock = "holder.sock"

// holderRequest is one step a launcher asks of the holder.
type holderRequest struct {
	Op     string     `json:"op"`
	Name   string     `json:"name,omitempty"`
	Peer   string     `json:"peer,omitempty"`
	Bridge string     `json:"bridge,omitempty"`
	Pid    int        `json:"pid,omitempty"`
	Addr   netip.Addr `json:"addr,omitzero"`
	Plan   *Plan      `json:"plan,omitempty"`
	Rules  string     `json:"rules,omitempty"`
}

// holderReply is the holder's answer; a dial's socket comes with it.
type holderReply struct {
	Err string `json:"error,omitempty"`
}

// HolderMain is the holder. Once the launcher has mapped its ids (it
// writes a byte on stdin) it brings up lo, turns on forwarding in its own
// net namespace, listens on DIR/holder.sock and says "ready" on stdout;
// then it serves launchers until it is killed. It never returns.
func HolderMain(dir string) {
	var b [1]byte
	os.Stdin.Read(b[:])
	l, err := holderSetup(dir)
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println("ready")
	if null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0); err == nil {
		for fd := 0; fd < 3; fd++ {
			unix.Dup2(int(null.Fd()), fd)
		}
		null.Close()
	}
	for {
		c, err := l.AcceptUnix()
		if err != nil {
			os.Exit(1)
		}
		go serveHolder(c)
	}
}

// holderSetup prepares the namespace and the holder's socket.
func holderSetup(dir string) (*net.UnixListener, error) {
	lo, err := netlink.LinkByName("lo")
	if err == nil {
		err = netlink.LinkSetUp(lo)
	}
	if err != nil {
		return nil, fmt.Errorf("network holder: bring up lo: %w", err)
	}
	// The holder's own namespace: forwarding between its bridge and
	// pasta's interface changes nothing on the host.
	if err := os.WriteFile("/proc/sys/net/ipv4/ip_forward", []byte("1\n"), 0o644); err != nil {
		return nil, fmt.Errorf("network holder: turn on forwarding in its namespace: %w", err)
	}
	path := filepath.Join(dir, holderSock)
	os.Remove(path)
	old := unix.Umask(0o077)
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	unix.Umask(old)
	if err != nil {
		return nil, fmt.Errorf("network holder: listen on %s: %w", path, err)
	}
	return l, nil
}

// serveHolder runs one request of c, which must come from the user
// (root of the holder's namespace): the socket's mode lets no one else
// connect, and this says so again.
func serveHolder(c *net.UnixConn) {
	defer c.Close()
	if err := fromUser(c); err != nil {
		replyHolder(c, err, nil)
		return
	}
	var req holderRequest
	if err := json.NewDecoder(c).Decode(&req); err != nil {
		replyHolder(c, fmt.Errorf("read request: %w", err), nil)
		return
	}
	conn, err := runRequest(&req)
	replyHolder(c, err, conn)
}

// fromUser checks that c's peer is the user: uid 0 in the holder's
// namespace, which maps it to the user.
func fromUser(c *net.UnixConn) error {
	raw, err := c.SyscallConn()
	if err != nil {
		return err
	}
	var cred *unix.Ucred
	var cerr error
	raw.Control(func(fd uintptr) { cred, cerr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED) })
	if cerr != nil {
		return fmt.Errorf("peer credentials: %w", cerr)
	}
	if cred.Uid != 0 {
		return errors.New("refused: only the user who started the network may use its holder")
	}
	return nil
}

// runRequest makes the step req names in the holder's namespaces.
func runRequest(req *holderRequest) (net.Conn, error) {
	var ops localOps
	switch req.Op {
	case "bridge":
		return nil, ops.ensureBridge(req.Name, req.Plan)
	case "veth":
		return nil, ops.addVeth(req.Name, req.Peer, req.Bridge, req.Pid, req.Addr, req.Plan)
	case "nat":
		return nil, ops.applyNAT(req.Name, req.Rules)
	case "delnat":
		return nil, ops.deleteNAT(req.Name)
	case "dellink":
		return nil, ops.delLink(req.Name)
	case "dial":
		return ops.dial(req.Name)
	}
	return nil, fmt.Errorf("unknown request %q", req.Op)
}

// replyHolder answers, passing conn's descriptor along when there is one.
func replyHolder(c *net.UnixConn, err error, conn net.Conn) {
	var r holderReply
	if err != nil {
		r.Err = err.Error()
	}
	b, _ := json.Marshal(r)
	var oob []byte
	if conn != nil {
		defer conn.Close()
		if f, ferr := conn.(*net.TCPConn).File(); ferr == nil {
			defer f.Close()
			oob = syscall.UnixRights(int(f.Fd()))
		}
	}
	c.WriteMsgUnix(b, oob, nil)
}
