package launcher

import (
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/testenv"
	"github.com/hclsandbox/sandbox/launcher/network"
	"github.com/hclsandbox/sandbox/launcher/state"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// TestNetworkOutboundTurnsOnForwarding: with net.ipv4.ip_forward = 0, a
// sandbox on a network with outbound = true reaches a server beyond the
// host (in a network namespace of the test's own, routed through the
// host): the launcher turns forwarding on and says so, adding its guard
// table first. The guard keeps forwarding between the host's other
// interfaces closed, and a network with outbound = false sends nothing
// beyond the host.
func TestNetworkOutboundTurnsOnForwarding(t *testing.T) {
	rootfs := netRootfs(t)
	if testenv.GuardTable != network.GuardTable {
		t.Fatalf("testenv.GuardTable = %q, want network.GuardTable %q", testenv.GuardTable, network.GuardTable)
	}
	saved := testenv.SaveForwarding()
	t.Cleanup(func() {
		if err := saved.Restore(); err != nil {
			t.Error(err)
		}
	})
	nft("delete table ip " + network.GuardTable) // as a host that never had it
	writeForward(t, "0")

	www := t.TempDir()
	os.WriteFile(filepath.Join(www, "index.html"), []byte("served-from-beyond\n"), 0o644)
	beyond := startOutside(t, "s", "10.231.61.0/24", "exec busybox httpd -f -p 80 -h "+www)
	const url = "http://10.231.61.2/"

	d := state.Dir{Root: t.TempDir()}
	wide := &config.Network{Name: "wide", Subnet: netip.MustParsePrefix("10.231.62.0/24"), Outbound: true}
	narrow := &config.Network{Name: "narrow", Subnet: netip.MustParsePrefix("10.231.63.0/24")}
	defer assertNoNetwork(t, d, "wide", "narrow")

	out := &syncBuf{}
	reach := onNetwork(rootfs, "reach", wide,
		"for i in $(seq 10); do timeout 3 wget -q -O - "+url+" && exit 0; sleep 0.3; done; echo wide-blocked; exit 1")
	reach.Timeout = 45 * time.Second
	proc, claim := runClaimed(t, d, reach, out)
	res := proc.Wait()
	claim.Release()
	if res.ExitCode != 0 || !strings.Contains(out.String(), "served-from-beyond") {
		t.Errorf("sandbox on an outbound network: %s, output %q; want the page from beyond the host", res.Describe(), out)
	}
	if !slices.Contains(proc.Warnings(), network.ForwardingNotice) {
		t.Errorf("Warnings() = %q, want the notice that forwarding was turned on", proc.Warnings())
	}
	if b, _ := os.ReadFile("/proc/sys/net/ipv4/ip_forward"); strings.TrimSpace(string(b)) != "1" {
		t.Errorf("net.ipv4.ip_forward = %q after an outbound sandbox, want 1", b)
	}
	if !network.GuardInstalled() {
		t.Errorf("forwarding was turned on without table ip %s", network.GuardTable)
	}

	// Forwarding is on now: neither the guard nor the narrow network's
	// own rules may let anything else through.
	out = &syncBuf{}
	stay := onNetwork(rootfs, "stay", narrow, "timeout 3 wget -q -O - "+url+" && echo narrow-reached || echo narrow-blocked")
	proc, claim = runClaimed(t, d, stay, out)
	proc.Wait()
	claim.Release()
	if !strings.Contains(out.String(), "narrow-blocked") {
		t.Errorf("a sandbox on a network with outbound = false said %q, want narrow-blocked", out)
	}
	fetch := "timeout 3 busybox wget -q -O - " + url + " && echo other-reached || echo other-blocked"
	other := startOutside(t, "c", "10.231.64.0/24", fetch)
	if got := other.wait(t); !strings.Contains(got, "other-blocked") {
		t.Errorf("a host beyond another interface said %q through the host, want other-blocked: the guard must keep forwarding between other interfaces closed", got)
	}
	// Once its interface is in the guard's set passed, the same fetch
	// goes through: it is the guard that stopped it, and another router
	// on the host can be let through.
	if err := nft("add element ip " + network.GuardTable + " passed { " + outsideLink("d") + " }"); err != nil {
		t.Fatal(err)
	}
	other = startOutside(t, "d", "10.231.66.0/24", fetch)
	if got := other.wait(t); !strings.Contains(got, "served-from-beyond") {
		t.Errorf("through an interface in the guard's set passed, a host beyond said %q, want the page", got)
	}
	beyond.stop()
}

// TestNetworkForwardingKept: with SANDBOX_IP_FORWARD=false, forwarding
// off and a sandbox on an outbound network, Start refuses before anything
// is made, naming the setting, and forwarding stays off.
func TestNetworkForwardingKept(t *testing.T) {
	rootfs := netRootfs(t)
	saved := testenv.SaveForwarding()
	t.Cleanup(func() {
		if err := saved.Restore(); err != nil {
			t.Error(err)
		}
	})
	writeForward(t, "0")
	t.Setenv(network.ForwardEnv, "false")
	d := state.Dir{Root: t.TempDir()}
	n := &config.Network{Name: "kept", Subnet: netip.MustParsePrefix("10.231.65.0/24"), Outbound: true}
	s := onNetwork(rootfs, "kept", n, "true")
	plan := NewPlan(s, probeTestHost())
	claim, err := Claim(t.Context(), d, plan, false)
	if err != nil {
		t.Fatal(err)
	}
	defer claim.Release()
	proc, res, err := startUnder(plan, Stdio{Stdout: io.Discard, Stderr: io.Discard}, claim)
	if proc != nil {
		proc.Signal(os.Kill)
		proc.Wait()
	}
	if err != nil || res == nil || res.ExitCode != 125 || !strings.Contains(res.Describe(), "SANDBOX_IP_FORWARD=false") {
		t.Errorf("start with forwarding kept off = %v, %+v; want exit 125 naming SANDBOX_IP_FORWARD=false", err, res)
	}
	if b, _ := os.ReadFile("/proc/sys/net/ipv4/ip_forward"); strings.TrimSpace(string(b)) != "0" {
		t.Errorf("net.ipv4.ip_forward = %q with SANDBOX_IP_FORWARD=false, want it left at 0", b)
	}
	assertNoNetwork(t, d, "kept")
}

func writeForward(t *testing.T, v string) {
	t.Helper()
	if err := os.WriteFile("/proc/sys/net/ipv4/ip_forward", []byte(v+"\n"), 0o644); err != nil {
		t.Skipf("cannot set net.ipv4.ip_forward: %v", err)
	}
}

// outside is a shell in a network namespace of the test's own, a host
// beyond this one: the namespace holds the second address of its /24 on
// a veth pair whose host end holds the first, with a default route
// through the host.
type outside struct {
	cmd  *exec.Cmd
	out  *syncBuf
	done chan struct{}
}

// startOutside runs script with the host's busybox sh in a new network
// namespace wired to the host as outside says; it stops, and its link
// goes, when the test ends.
func startOutside(t *testing.T, tag, subnet, script string) *outside {
	t.Helper()
	o := &outside{out: &syncBuf{}, done: make(chan struct{})}
	o.cmd = exec.Command("/bin/busybox", "sh", "-c", "read go; "+script)
	o.cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET, Pdeathsig: syscall.SIGKILL}
	o.cmd.Stdout, o.cmd.Stderr = o.out, o.out
	o.cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin"} // no proxy of the caller's
	stdin, err := o.cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := o.cmd.Start(); err != nil {
		t.Skipf("no network namespace for the far side: %v", err)
	}
	go func() { o.cmd.Wait(); close(o.done) }()
	host := outsideLink(tag)
	t.Cleanup(func() {
		o.stop()
		if l, err := netlink.LinkByName(host); err == nil {
			netlink.LinkDel(l)
		}
	})
	prefix := netip.MustParsePrefix(subnet)
	if err := wireOutside(host, o.cmd.Process.Pid, prefix); err != nil {
		t.Fatalf("wire the far side %s: %v", subnet, err)
	}
	io.WriteString(stdin, "go\n")
	return o
}

// outsideLink is the host end of the veth pair of startOutside's tag.
func outsideLink(tag string) string { return fmt.Sprintf("sbt%s%dh", tag, os.Getpid()%100000) }

// wireOutside makes the veth pair host/host+"p" and addresses both ends.
func wireOutside(host string, pid int, prefix netip.Prefix) error {
	peer := strings.TrimSuffix(host, "h") + "p"
	if err := netlink.LinkAdd(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: host}, PeerName: peer}); err != nil {
		return err
	}
	hostAddr, farAddr := prefix.Addr().Next(), prefix.Addr().Next().Next()
	l, err := netlink.LinkByName(host)
	if err != nil {
		return err
	}
	p, err := netlink.LinkByName(peer)
	if err == nil {
		err = netlink.LinkSetNsPid(p, pid)
	}
	if err == nil {
		err = netlink.AddrAdd(l, &netlink.Addr{IPNet: ipNet(hostAddr, prefix.Bits())})
	}
	if err == nil {
		err = netlink.LinkSetUp(l)
	}
	if err != nil {
		return err
	}
	ns, err := netns.GetFromPid(pid)
	if err != nil {
		return err
	}
	defer ns.Close()
	h, err := netlink.NewHandleAt(ns)
	if err != nil {
		return err
	}
	defer h.Close()
	if p, err = h.LinkByName(peer); err != nil {
		return err
	}
	if err := h.AddrAdd(p, &netlink.Addr{IPNet: ipNet(farAddr, prefix.Bits())}); err != nil {
		return err
	}
	if err := h.LinkSetUp(p); err != nil {
		return err
	}
	return h.RouteAdd(&netlink.Route{LinkIndex: p.Attrs().Index, Gw: net.IP(hostAddr.AsSlice())})
}

func ipNet(a netip.Addr, bits int) *net.IPNet {
	return &net.IPNet{IP: net.IP(a.AsSlice()), Mask: net.CIDRMask(bits, 32)}
}

// wait returns the far side's output once its script has ended.
func (o *outside) wait(t *testing.T) string {
	t.Helper()
	select {
	case <-o.done:
	case <-time.After(30 * time.Second):
		o.stop()
		t.Errorf("the far side's script still runs after 30s")
	}
	return o.out.String()
}

// stop kills the far side's shell and waits for it.
func (o *outside) stop() {
	o.cmd.Process.Kill()
	<-o.done
}
