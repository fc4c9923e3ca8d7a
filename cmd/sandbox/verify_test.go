package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/cgroups"
	"github.com/hclsandbox/sandbox/launcher/receipt"
)

// TestVerifyHostFacts makes a receipt on one (fake) host and verifies it
// on hosts that differ in their cgroup driver and their architecture:
// each difference, and the limits the other driver writes, on a line.
func TestVerifyHostFacts(t *testing.T) {
	dir := t.TempDir()
	hcl := filepath.Join(dir, "h.hcl")
	os.WriteFile(hcl, []byte(`sandbox "h" {
  command = ["/bin/true"]
  limits {
    memory = "64MiB"
  }
}
`), 0o644)
	cfg, diags := config.Load([]string{hcl})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	e := &env{stderr: &bytes.Buffer{}, probeHost: fakeHost}
	path := filepath.Join(dir, "h.json")
	if err := e.r().ReceiptNow(cfg, cfg.Sandboxes[0], &receipt.Receipt{Command: "up"}).Write(path); err != nil {
		t.Fatal(err)
	}
	v1 := func() *launcher.Host {
		h := fakeHost()
		h.Cgroups = cgroups.CgroupHost{Version: 1, Root: "/sys/fs/cgroup", Controllers: []string{"cpu", "cpuacct", "memory", "pids", "blkio", "freezer", "devices"}}
		return h
	}
	arm := func() *launcher.Host {
		h := fakeHost()
		h.Arch = "arm64"
		return h
	}
	for _, tt := range []struct {
		name  string
		host  func() *launcher.Host
		code  int
		lines []string
	}{
		{"same host", fakeHost, 0, []string{"h: same: "}},
		{"cgroup v1", v1, 1, []string{"  cgroup driver: v2 → v1", "  limit limits.memory (memory.max): 67108864 → none", "  limit limits.memory (memory.limit_in_bytes): none → 67108864"}},
		{"arm64", arm, 1, []string{"  arch: amd64 → arm64", "  plan: sha256:"}},
	} {
		var stdout, stderr bytes.Buffer
		e := &env{stdout: &stdout, stderr: &stderr, lookupEnv: func(string) (string, bool) { return "", false }, probeHost: tt.host}
		code := e.main([]string{"verify", path})
		for _, l := range tt.lines {
			if !strings.Contains(stdout.String(), l) {
				t.Errorf("%s: verify printed no line %q:\n%s%s", tt.name, l, stdout.String(), stderr.String())
			}
		}
		if code != tt.code {
			t.Errorf("%s: verify = exit %d, want %d", tt.name, code, tt.code)
		}
	}
}
