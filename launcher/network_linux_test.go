package launcher

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/testenv"
	"github.com/hclsandbox/sandbox/launcher/network"
	"github.com/hclsandbox/sandbox/launcher/state"
	"github.com/vishvananda/netlink"
)

// netRootfs is a busybox rootfs for network tests, which need root and
// the nft command.
func netRootfs(t *testing.T) string {
	t.Helper()
	rootfs := busyboxRootfs(t)
	if _, err := os.Stat(filepath.Join(rootfs, "bin", "httpd")); err != nil {
		testenv.Missing(t, "the test rootfs has no httpd applet (Debian's busybox-static)")
	}
	if err := nft("list tables"); err != nil {
		t.Skipf("nftables does not work here: %v", err)
	}
	return rootfs
}

func onNetwork(rootfs, name string, n *config.Network, cmd string) *config.Sandbox {
	s := &config.Sandbox{Name: name, Command: []string{"/bin/sh", "-c", cmd}, Rootfs: rootfs,
		Namespaces: append([]string(nil), config.Namespaces...)}
	s.Timeout = 15 * time.Second
	s.Network, s.Net = n.Name, n
	return s
}

// runClaimed starts s under state dir d and returns its process.
func runClaimed(t *testing.T, d state.Dir, s *config.Sandbox, out io.Writer) (*Process, *state.Claim) {
	t.Helper()
	plan := NewPlan(s, probeTestHost())
	claim, err := Claim(context.Background(), d, plan, false)
	if err != nil {
		t.Fatal(err)
	}
	proc, res, err := startUnder(plan, Stdio{Stdout: out, Stderr: out}, claim)
	if err != nil || res != nil {
		claim.Release()
		t.Fatalf("StartClaimed(%s) = %v, %+v", s.Name, err, res)
	}
	return proc, claim
}

// syncBuf is a buffer several sandboxes may write to.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuf) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuf) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestNetworkPeersPortsAndCleanup runs a server and a client on one
// network, a stranger on another, and checks names, reachability, the
// published port on the host's loopback, and that nothing is left.
func TestNetworkPeersPortsAndCleanup(t *testing.T) {
	rootfs := netRootfs(t)
	d := state.Dir{Root: t.TempDir()}
	// Outbound turns forwarding on for both bridges, so that only the
	// rules that keep networks apart stop the stranger. No test traffic
	// leaves the host.
	front := &config.Network{Name: "front", Subnet: netip.MustParsePrefix("10.231.41.0/24"), Outbound: true}
	other := &config.Network{Name: "other", Subnet: netip.MustParsePrefix("10.231.42.0/24"), Outbound: true}
	srv := onNetwork(rootfs, "srv", front,
		"mkdir -p /tmp/www && echo served-by-srv > /tmp/www/index.html && exec httpd -f -p 80 -h /tmp/www")
	srv.Ports = []config.Port{{HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: 18941, SandboxPort: 80, Proto: "tcp"}}
	srvProc, srvClaim := runClaimed(t, d, srv, io.Discard)
	defer func() {
		srvProc.Signal(os.Kill)
		srvProc.Wait()
		srvClaim.Release()
		assertNoNetwork(t, d, "front", "other")
	}()
	waitHTTP(t, "127.0.0.1:18941")

	var out syncBuf
	cli := onNetwork(rootfs, "cli", front, "cat /etc/resolv.conf; wget -q -O - http://srv/ && echo peer-ok")
	cli.DNS = []netip.Addr{netip.MustParseAddr("10.231.41.1")}
	stranger := onNetwork(rootfs, "stranger", other,
		"grep -c srv /etc/hosts; wget -q -O - http://10.231.41.2/ && echo stranger-reached || echo stranger-blocked")
	stranger.Timeout = 5 * time.Second // a dropped packet only times out
	for _, s := range []*config.Sandbox{cli, stranger} {
		p, c := runClaimed(t, d, s, &out)
		if r := p.Wait(); r.ExitCode > 1 && !r.TimedOut {
			t.Errorf("%s: %s", s.Name, r.Describe())
		}
		c.Release()
	}
	got := out.String()
	for _, want := range []string{"nameserver 10.231.41.1", "served-by-srv", "peer-ok", "0\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("sandbox output = %q, want %q in it", got, want)
		}
	}
	if strings.Contains(got, "stranger-reached") {
		t.Errorf("a sandbox on another network reached srv: %q", got)
	}
	if body := httpGet(t, "127.0.0.1:18941"); !strings.Contains(body, "served-by-srv") {
		t.Errorf("GET on the published port = %q, want the sandbox's page", body)
	}
}

// TestNetworkGCAfterKill kills the supervisor of a networked sandbox with
// SIGKILL and checks that gc removes the bridge, veth, NAT table and lease.
func TestNetworkGCAfterKill(t *testing.T) {
	rootfs := netRootfs(t)
	d := state.Dir{Root: t.TempDir()}
	n := &config.Network{Name: "crash", Subnet: netip.MustParsePrefix("10.231.43.0/24"), Outbound: true}
	cmd, out := startSupervisor(t, superviseJob{StateDir: d.Root, Rootfs: rootfs, Names: []string{"victim"},
		Command: []string{"/bin/sleep", "30"}, Mark: "netgc", Network: n})
	line, err := out.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "started victim") {
		killSupervisor(cmd)
		t.Fatalf("supervisor said %q, %v", line, err)
	}
	bridge, table := network.Names(d.Root, "crash")
	if _, err := netlink.LinkByName(bridge); err != nil {
		t.Errorf("bridge %s missing while the sandbox runs: %v", bridge, err)
	}
	if err := nft("list table ip " + table); err != nil {
		t.Errorf("NAT table missing while the sandbox runs: %v", err)
	}
	killSupervisor(cmd)
	if _, err := d.GC(context.Background()); err != nil {
		t.Errorf("GC() = %v", err)
	}
	assertNoNetwork(t, d, "crash")
}

// assertNoNetwork fails when anything of the named networks remains.
func assertNoNetwork(t *testing.T, d state.Dir, networks ...string) {
	t.Helper()
	for _, name := range networks {
		bridge, table := network.Names(d.Root, name)
		if _, err := netlink.LinkByName(bridge); err == nil {
			t.Errorf("bridge %s of network %s remains", bridge, name)
			if l, err := netlink.LinkByName(bridge); err == nil {
				netlink.LinkDel(l)
			}
		}
		if nft("list table ip "+table) == nil {
			t.Errorf("NAT table %s remains", table)
			nft("delete table ip " + table)
		}
		if _, err := os.Stat(filepath.Join(d.Root, network.RootDir, name)); err == nil {
			t.Errorf("leases of network %s remain", name)
		}
	}
	links, _ := netlink.LinkList()
	for _, l := range links {
		for _, sb := range []string{"srv", "cli", "stranger", "victim"} {
			if host, _ := network.VethNames(d.Root, sb); l.Attrs().Name == host {
				t.Errorf("veth %s of %s remains", host, sb)
			}
		}
	}
}

// nft runs one nft command line, for the tests' checks and cleanup.
func nft(script string) error {
	out, err := exec.Command("nft", strings.Fields(script)...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("nft %s: %w: %s", script, err, out)
	}
	return nil
}

func waitHTTP(t *testing.T, addr string) {
	t.Helper()
	for i := 0; i < 50; i++ {
		c, err := net.DialTimeout("tcp4", addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("nothing listens on %s", addr)
}

// httpGet fetches / from addr, which must be on the host's loopback.
func httpGet(t *testing.T, addr string) string {
	t.Helper()
	if ip := net.ParseIP(strings.Split(addr, ":")[0]); ip == nil || !ip.IsLoopback() {
		t.Fatalf("httpGet(%s): tests only talk to the loopback", addr)
	}
	for i := 0; i < 20; i++ {
		c, err := net.DialTimeout("tcp4", addr, time.Second)
		if err != nil {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		c.SetDeadline(time.Now().Add(3 * time.Second))
		io.WriteString(c, "GET / HTTP/1.0\r\nHost: srv\r\n\r\n")
		b, _ := io.ReadAll(c)
		c.Close()
		if len(b) > 0 {
			return string(b)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return ""
}
