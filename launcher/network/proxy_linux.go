package network

import (
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strconv"
	"sync"

	"github.com/hclsandbox/sandbox/config"
)

// startProxies listens on each published TCP port for connections that
// DNAT cannot take, those the host makes to its own addresses, and
// forwards them to the sandbox. UDP ports rely on DNAT alone.
// dial connects to the sandbox: from the host as root, through the
// network's holder without root.
func startProxies(ports []config.Port, addr netip.Addr, dial func(string) (net.Conn, error)) ([]io.Closer, error) {
	var out []io.Closer
	for _, p := range ports {
		if p.Proto != "tcp" {
			continue
		}
		host := "0.0.0.0"
		if p.HostIP.IsValid() {
			host = p.HostIP.String()
		}
		l, err := net.Listen("tcp4", net.JoinHostPort(host, strconv.Itoa(int(p.HostPort))))
		if err != nil {
			for _, c := range out {
				c.Close()
			}
			return nil, fmt.Errorf("publish port %s: %w%s", p, err, portHint())
		}
		pr := &proxy{l: l, to: net.JoinHostPort(addr.String(), strconv.Itoa(int(p.SandboxPort))), dial: dial}
		go pr.serve()
		out = append(out, pr)
	}
	return out, nil
}

// proxy forwards the connections of one listener to one sandbox address.
type proxy struct {
	l     net.Listener
	to    string
	dial  func(string) (net.Conn, error)
	mu    sync.Mutex
	conns map[net.Conn]bool
}

func (p *proxy) serve() {
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		go p.forward(c)
	}
}

func (p *proxy) forward(c net.Conn) {
	defer c.Close()
	s, err := p.dial(p.to)
	if err != nil {
		return
	}
	defer s.Close()
	if !p.track(c, s) {
		return
	}
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		io.Copy(dst, src)
		if tc, ok := dst.(*net.TCPConn); ok {
			tc.CloseWrite()
		}
		done <- struct{}{}
	}
	go pipe(s, c)
	go pipe(c, s)
	<-done
	<-done
}

// track remembers open connections so that Close ends them; it refuses
// once the proxy is closed.
func (p *proxy) track(cs ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conns == nil {
		p.conns = map[net.Conn]bool{}
	}
	if p.conns[nil] {
		return false
	}
	for _, c := range cs {
		p.conns[c] = true
	}
	return true
}

// Close stops listening and ends every forwarded connection.
func (p *proxy) Close() error {
	err := p.l.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		if c != nil {
			c.Close()
		}
	}
	p.conns = map[net.Conn]bool{nil: true}
	return err
}

// portHint is what a user without root is told when a port cannot be
// published: the likely causes and the fix for a low port.
func portHint() string {
	if os.Geteuid() == 0 {
		return ""
	}
	return " (is that host port in use? without root, ports under 1024 need net.ipv4.ip_unprivileged_port_start lowered)"
}
