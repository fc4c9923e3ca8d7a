package network

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"

	"github.com/hclsandbox/sandbox/internal/proc"
	"golang.org/x/sys/unix"
)

// holderOps asks the holder of the network in dir to make each step in
// its namespaces.
type holderOps struct{ dir string }

func (h holderOps) ensureBridge(name string, n *Plan) error {
	return h.do(&holderRequest{Op: "bridge", Name: name, Plan: n})
}

func (h holderOps) addVeth(host, peer, bridge string, pid int, addr netip.Addr, n *Plan) error {
	return h.do(&holderRequest{Op: "veth", Name: host, Peer: peer, Bridge: bridge, Pid: pid, Addr: addr, Plan: n})
}

func (h holderOps) applyNAT(table, rules string) error {
	return h.do(&holderRequest{Op: "nat", Name: table, Rules: rules})
}

// deleteNAT and delLink have nothing to undo once the holder, and with
// it its namespace, is gone.
func (h holderOps) deleteNAT(table string) error {
	if !h.alive() {
		return nil
	}
	return h.do(&holderRequest{Op: "delnat", Name: table})
}

func (h holderOps) delLink(name string) error {
	if !h.alive() {
		return nil
	}
	return h.do(&holderRequest{Op: "dellink", Name: name})
}

func (h holderOps) dial(to string) (net.Conn, error) {
	f, err := h.call(&holderRequest{Op: "dial", Name: to})
	if err != nil {
		return nil, err
	}
	if f == nil {
		return nil, errors.New("network holder: no socket in its answer")
	}
	defer f.Close()
	return net.FileConn(f)
}

func (h holderOps) do(req *holderRequest) error {
	f, err := h.call(req)
	if f != nil {
		f.Close()
	}
	return err
}

func (h holderOps) alive() bool {
	st, err := readHolder(h.dir)
	return err == nil && proc.SameProcess(st.Pid, st.Start)
}

// call sends req to the holder and returns its answer's descriptor, if any.
func (h holderOps) call(req *holderRequest) (*os.File, error) {
	path := filepath.Join(h.dir, holderSock)
	c, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("reach the network's holder at %s: %w (sandbox gc clears a holder that crashed)", path, err)
	}
	defer c.Close()
	if err := json.NewEncoder(c).Encode(req); err != nil {
		return nil, fmt.Errorf("ask the network's holder: %w", err)
	}
	buf, oob := make([]byte, 4096), make([]byte, unix.CmsgSpace(4))
	k, oobn, _, _, err := c.ReadMsgUnix(buf, oob)
	if err != nil {
		return nil, fmt.Errorf("read the network holder's answer: %w", err)
	}
	f := receivedFile(oob[:oobn])
	var r holderReply
	if err := json.Unmarshal(buf[:k], &r); err != nil {
		return f, fmt.Errorf("network holder: malformed answer %q", buf[:k])
	}
	if r.Err != "" {
		return f, fmt.Errorf("network holder (%s): %s", req.Op, r.Err)
	}
	return f, nil
}

// receivedFile is the descriptor passed in oob, or nil.
func receivedFile(oob []byte) *os.File {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil || len(msgs) == 0 {
		return nil
	}
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) == 0 {
		return nil
	}
	for _, fd := range fds[1:] {
		unix.Close(fd)
	}
	unix.CloseOnExec(fds[0])
	return os.NewFile(uintptr(fds[0]), "holder-conn")
}
