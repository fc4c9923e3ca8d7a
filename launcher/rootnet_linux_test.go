package launcher

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A sandbox started without root on a named network publishes a port on
// the host's 127.0.0.1 through pasta; its eth0 and default route are
// there before its command starts; after stop nothing of it is left:
// no process of the user (pasta included), no network state, no record.
func TestRootlessPublishedPort(t *testing.T) {
	e := newRootnet(t)
	port := freePort(t)
	cfg := e.config(t, "web", fmt.Sprintf(`sandbox "web" {
  rootfs  = %q
  network = "default"
  ports   = ["127.0.0.1:%d:80"]
  command = ["/bin/sh", "-c", "ip -4 route; exec httpd -f -p 80 -h /"]
}
`, e.rootfs, port))
	e.must(t, "up", "-d", cfg)
	stopped := false
	defer func() {
		if !stopped {
			e.sandbox("stop", "web")
		}
	}()
	if got := fetch(t, fmt.Sprintf("http://127.0.0.1:%d/index.html", port)); got != "served from a rootless sandbox\n" {
		t.Errorf("page through the published port = %q", got)
	}
	if logs := e.must(t, "logs", "web"); !strings.Contains(logs, "default via") {
		t.Errorf("routes inside when the command started = %q, want a default route", logs)
	}
	e.stopAndAwait(t, "web")
	stopped = true
	e.assertNothingLeft(t, "web", port)
}

// The attack: a sandbox started without root tries the host's loopback,
// where the test listens. pasta forwards nothing from the sandbox to the
// host (-T none), so 127.0.0.1 inside is the sandbox's own.
func TestRootlessNetworkKeepsHostLoopback(t *testing.T) {
	e := newRootnet(t)
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan struct{}, 1)
	go func() {
		if c, err := l.Accept(); err == nil {
			accepted <- struct{}{}
			c.Close()
		}
	}()
	port := l.Addr().(*net.TCPAddr).Port
	cfg := e.config(t, "attack", fmt.Sprintf(`sandbox "rootless" {
  rootfs  = %q
  network = "default"
  command = ["/bin/sh", "-c", "if echo x | nc 127.0.0.1 %d; then echo reached; else echo refused; fi"]
}
`, e.rootfs, port))
	out := e.must(t, "run", cfg, "rootless")
	if strings.TrimSpace(out) != "refused" {
		t.Errorf("connecting to the host's 127.0.0.1:%d from inside printed %q, want refused", port, out)
	}
	select {
	case <-accepted:
		t.Errorf("the host's listener on 127.0.0.1:%d accepted a connection from the sandbox", port)
	default:
	}
}

// Without pasta, a user without root is told what is missing and how to
// get it, by run and by doctor, and nothing starts; with it, doctor says
// it is usable.
func TestRootlessNetworkWithoutPasta(t *testing.T) {
	e := newRootnet(t)
	cfg := e.config(t, "nopasta", fmt.Sprintf(`sandbox "rootless" {
  rootfs  = %q
  network = "default"
  command = ["/bin/true"]
}
`, e.rootfs))
	doctor, _, _ := e.sandbox("doctor") // exits 1 without root: no cgroups
	if !strings.Contains(doctor, "network through pasta") || strings.Contains(doctor, "pasta command is missing") {
		t.Errorf("doctor as the user with pasta:\n%s", doctor)
	}
	e.path = t.TempDir() // no pasta there
	os.Chmod(e.path, 0o755)
	_, stderr, err := e.sandbox("run", cfg, "rootless")
	if err == nil || !strings.Contains(stderr, "apt-get install passt") || !strings.Contains(stderr, "nopasta.hcl:3") {
		t.Errorf("run without pasta: err %v, stderr %q; want a failure at the network line naming apt-get install passt", err, stderr)
	}
	doctor, _, _ = e.sandbox("doctor")
	if !strings.Contains(doctor, "apt-get install passt") {
		t.Errorf("doctor without pasta does not name the fix:\n%s", doctor)
	}
}

// Outbound traffic of a sandbox started without root leaves through
// pasta as the user's own connection. The launcher runs in a network
// namespace the test made, with a default route over one end of a veth
// pair and a server on the other end's address, so nothing leaves the
// test's namespace.
func TestRootlessOutbound(t *testing.T) {
	e := newRootnet(t)
	cfg := e.config(t, "out", fmt.Sprintf(`sandbox "rootless" {
  rootfs  = %q
  network = "default"
  command = ["/bin/wget", "-q", "-O", "-", "http://10.199.1.1:8080/index.html"]
}
`, e.rootfs))
	out, err := e.runOutside(cfg, "rootless")
	if err != nil || !strings.Contains(out, "served from a rootless sandbox") {
		t.Errorf("fetching from 10.199.1.1 in the test's namespace: %v\n%s", err, out)
	}
}

// The attack: a sandbox on a network with outbound = false, started
// without root, tries the server that TestRootlessOutbound reaches. The
// network's holder has no pasta, so there is no way out.
func TestRootlessNetworkOutboundFalse(t *testing.T) {
	e := newRootnet(t)
	cfg := e.config(t, "closed", fmt.Sprintf(`network "closed" {
  subnet   = "10.89.0.0/24"
  outbound = false
}

sandbox "rootless" {
  rootfs  = %q
  network = "closed"
  command = ["/bin/sh", "-c", "wget -q -T 3 -O - http://10.199.1.1:8080/index.html || echo no way out"]
}
`, e.rootfs))
	out, err := e.runOutside(cfg, "rootless")
	if err != nil || strings.Contains(out, "served from") || !strings.Contains(out, "no way out") {
		t.Errorf("fetching from 10.199.1.1 on an outbound = false network: %v\n%s", err, out)
	}
	if left := e.processes(); len(left) > 0 {
		t.Errorf("after the run, still running as the user: %v", left)
	}
}

// runOutside runs sandbox name of cfg as the user in a network namespace
// the test makes: a default route over one end of a veth pair and an
// HTTP server on the other end's address, 10.199.1.1:8080.
func (e *rootnet) runOutside(cfg, name string) (string, error) {
	script := fmt.Sprintf(`set -e
ip link set lo up
ip link add sbt0 type veth peer name sbt1
ip addr add 10.199.0.1/24 dev sbt0 && ip addr add 10.199.1.1/24 dev sbt1
ip link set sbt0 up && ip link set sbt1 up
ip route add default via 10.199.0.254
busybox httpd -f -p 10.199.1.1:8080 -h %q & srv=$!
set +e
setpriv --reuid %d --regid %d --clear-groups env -i PATH=/usr/bin:/bin HOME=/ SANDBOX_RUN=%q SANDBOX_PROJECT=%s %q run %q %s
rc=$?
kill $srv; wait $srv
exit $rc
`, e.rootfs, e.u.uid, e.u.gid, e.run, rootnetProject, e.bin, cfg, name)
	out, err := exec.Command("unshare", "--net", "sh", "-c", script).CombinedOutput()
	return string(out), err
}

// A published port that cannot be bound stops the start with the
// reason and the likely fix, and leaves nothing behind.
func TestRootlessPortInUse(t *testing.T) {
	e := newRootnet(t)
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	cfg := e.config(t, "busy", fmt.Sprintf(`sandbox "rootless" {
  rootfs  = %q
  network = "default"
  ports   = ["127.0.0.1:%d:80"]
  command = ["/bin/true"]
}
`, e.rootfs, l.Addr().(*net.TCPAddr).Port))
	_, stderr, err := e.sandbox("run", cfg, "rootless")
	if err == nil || !strings.Contains(stderr, "address already in use") || !strings.Contains(stderr, "is that host port in use") {
		t.Errorf("run with a port in use: err %v, stderr %q; want the reason and the hint", err, stderr)
	}
	if left := e.processes(); len(left) > 0 {
		t.Errorf("after the failed start, still running as the user: %v", left)
	}
	if _, err := os.Stat(filepath.Join(e.home(), ".net", "default")); !os.IsNotExist(err) {
		t.Errorf("after the failed start, the network's state directory is there (stat: %v)", err)
	}
}
