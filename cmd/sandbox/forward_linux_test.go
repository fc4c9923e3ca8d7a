package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/internal/testenv"
)

// keepForwardingOff sets net.ipv4.ip_forward to 0 for the test, and puts
// it and the launcher's guard table back as they were at its end.
func keepForwardingOff(t *testing.T) {
	t.Helper()
	saved := testenv.SaveForwarding()
	t.Cleanup(func() {
		if err := saved.Restore(); err != nil {
			t.Error(err)
		}
	})
	if err := os.WriteFile("/proc/sys/net/ipv4/ip_forward", []byte("0\n"), 0o644); err != nil {
		t.Skipf("cannot set net.ipv4.ip_forward: %v", err)
	}
}

// TestForwardingOptOutRefused: with SANDBOX_IP_FORWARD=false and
// forwarding off, plan and validate (exit 1) and up (exit 125) refuse a
// sandbox on a network with outbound = true, naming the setting and the
// sandbox's network line; nothing is made and forwarding stays off.
func TestForwardingOptOutRefused(t *testing.T) {
	requireNft(t)
	bin, dir := batchSetup(t)
	keepForwardingOff(t)
	t.Setenv("SANDBOX_IP_FORWARD", "false")
	mounts := testenv.MountPoints()
	hcl := writeHCL(t, dir, "kept.hcl", `network "fwkept" {
  subnet = "10.231.68.0/24"
}

sandbox "fwkept" {
  rootfs  = "./rootfs"
  command = ["/bin/true"]
  network = "fwkept"
}
`)
	for _, verb := range []string{"plan", "validate", "up"} {
		code, _, stderr := runCommand(t, nil, bin, verb, hcl)
		want := 1
		if verb == "up" {
			want = 125
		}
		if code != want || !strings.Contains(stderr, "SANDBOX_IP_FORWARD=false keeps the launcher from turning it on") ||
			!strings.Contains(stderr, `network "fwkept" has outbound = true`) {
			t.Errorf("sandbox %s = exit %d, stderr:\n%s\nwant exit %d and the setting named", verb, code, stderr, want)
		}
		if verb != "up" && !strings.Contains(stderr, "kept.hcl:8:") {
			t.Errorf("sandbox %s points elsewhere than the network line:\n%s", verb, stderr)
		}
	}
	if b, _ := os.ReadFile("/proc/sys/net/ipv4/ip_forward"); strings.TrimSpace(string(b)) != "0" {
		t.Errorf("net.ipv4.ip_forward = %q after the refusal, want 0", b)
	}
	checkNothingLeft(t, "fwkept", mounts)
}

// TestForwardingNoticeOnce: `up` and `up -d` of two sandboxes on an
// outbound network with forwarding off turn it on and say so once.
func TestForwardingNoticeOnce(t *testing.T) {
	requireNft(t)
	bin, dir := batchSetup(t)
	keepForwardingOff(t)
	mounts := testenv.MountPoints()
	hcl := writeHCL(t, dir, "once.hcl", `network "fwonce" {
  subnet = "10.231.69.0/24"
}

sandbox "fwonce-a" {
  rootfs  = "./rootfs"
  command = ["/bin/true"]
  network = "fwonce"
}

sandbox "fwonce-b" {
  rootfs  = "./rootfs"
  command = ["/bin/true"]
  network = "fwonce"
}
`)
	for _, args := range [][]string{{hcl}, {"-d", hcl}} {
		os.WriteFile("/proc/sys/net/ipv4/ip_forward", []byte("0\n"), 0o644)
		r := runUp(t, bin, args...)
		if n := strings.Count(r.stderr, "turned on IPv4 forwarding"); r.code != 0 || n != 1 {
			t.Errorf("up %v = exit %d, the notice %d times; stderr:\n%s\nwant exit 0 and the notice once", args, r.code, n, r.stderr)
		}
		if b, _ := os.ReadFile("/proc/sys/net/ipv4/ip_forward"); strings.TrimSpace(string(b)) != "1" {
			t.Errorf("net.ipv4.ip_forward = %q after up %v, want 1", b, args)
		}
		// up -d's supervisor ends with its sandboxes, which end at once.
		for i := 0; i < 100 && recorded("fwonce"); i++ {
			time.Sleep(100 * time.Millisecond)
			runCommand(t, nil, bin, "gc")
		}
		checkNothingLeft(t, "fwonce", mounts)
	}
}

// recorded reports whether a sandbox named base... has a record.
func recorded(base string) bool {
	m, _ := filepath.Glob("/run/sandbox/*" + base + "*")
	p, _ := filepath.Glob("/run/sandbox/.projects/*/*" + base + "*")
	return len(m)+len(p) > 0
}
