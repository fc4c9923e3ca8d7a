package oci

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

var updateOCI = flag.Bool("update-oci", false, "rewrite the golden OCI configurations in testdata")

// ociCases are sandboxes whose OCI configuration is compared with
// testdata/oci-NAME.json. Seccomp rules depend on the architecture, so the
// golden files hold everything else and TestOCISeccomp checks the rules.
var ociCases = []*config.Sandbox{
	{Name: "full", File: "/cfg/full.hcl", Rootfs: "/srv/rootfs", Hostname: "box", Workdir: "/work",
		RootfsOptions: config.RootfsOptions{Mode: config.RootfsReadonly},
		Namespaces:    config.Namespaces, Command: []string{"/bin/app", "--flag"},
		Env: map[string]string{"A": "1"},
		Resources: config.Resources{Timeout: 90 * time.Second, OOMScoreAdj: 500,
			Limits:  &config.Limits{Memory: 64 << 20, CPUs: 1.5, Pids: 32, CPUWeight: 100, IOWeight: 500},
			Rlimits: []config.Rlimit{{Name: "nofile", Soft: 1024, Hard: 2048}}},
		Mounts: []config.Mount{
			{Type: "bind", Source: "/data", Target: "/data", Readonly: true},
			{Type: "bind", Source: "/missing", Target: "/opt", Optional: true},
			{Type: "tmpfs", Target: "/scratch", Options: []string{"size=1m", "noexec"}},
			{Type: "overlay", Source: "/src", Target: "/src"},
		},
		Security: config.Security{User: "1000:100", CapAdd: []string{"CAP_NET_RAW"}, CapDrop: []string{"CAP_KILL"},
			Seccomp: config.SeccompConfig{Profile: config.SeccompUnconfined}}},
	{Name: "hostview", File: "/cfg/h.hcl", Namespaces: []string{"pid", "mount", "user"}, Command: []string{"sh"},
		Security: config.Security{Seccomp: config.SeccompConfig{Profile: config.SeccompUnconfined}, AllowNewPrivileges: true}},
}

func ociHost() *launcher.Host {
	h := *testHost
	h.Kernel = launcher.KernelVersion{Major: 6, Minor: 1}
	return &h
}

func exportOCI(t *testing.T, s *config.Sandbox) *Bundle {
	t.Helper()
	root := s.Rootfs
	if root == "" {
		root = "rootfs"
	}
	b, err := Config(launcher.NewPlan(s, ociHost()), s, ociHost(), root, func(p string) bool { return p != "/missing" })
	if err != nil {
		t.Fatalf("Config(%s) = %v", s.Name, err)
	}
	return b
}

func TestOCIConfigGolden(t *testing.T) {
	for _, s := range ociCases {
		t.Run(s.Name, func(t *testing.T) {
			b := exportOCI(t, s)
			got, err := json.MarshalIndent(map[string]any{"config": b.Spec, "symlinks": b.Symlinks, "warnings": b.Warnings}, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "oci-"+s.Name+".json")
			if *updateOCI {
				if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update-oci to create it)", err)
			}
			if !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(want)) {
				t.Errorf("OCI config of %s differs from %s (run with -update-oci to accept):\n%s", s.Name, golden, got)
			}
		})
	}
}

func TestOCIConfigEveryWarning(t *testing.T) {
	b := exportOCI(t, ociCases[0])
	for _, want := range []string{"timeout 1m30s", "overlay mount of /src", "limits.io_weight"} {
		found := false
		for _, w := range b.Warnings {
			found = found || bytes.Contains([]byte(w), []byte(want))
		}
		if !found {
			t.Errorf("warnings %q lack %q", b.Warnings, want)
		}
	}
}

// TestOCIHealthWarned: OCI has no health check; the export says so.
func TestOCIHealthWarned(t *testing.T) {
	s := *ociCases[0]
	s.Health = &config.Health{Command: []string{"/bin/check"}, Interval: time.Second, Timeout: time.Second, Retries: 3}
	b, err := Config(launcher.NewPlan(&s, ociHost()), &s, ociHost(), "/r", func(string) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(b.Warnings, func(w string) bool { return strings.Contains(w, "health check /bin/check: OCI has none") }) {
		t.Errorf("warnings %q lack the health check", b.Warnings)
	}
}

func TestOCIUserNames(t *testing.T) {
	s := *ociCases[0]
	s.Security.User = "nobody"
	if _, err := Config(launcher.NewPlan(&s, ociHost()), &s, ociHost(), "/r", func(string) bool { return true }); err == nil {
		t.Errorf("OCIConfig with user %q = nil error, want one asking for numeric ids", s.Security.User)
	}
}

func TestOCIHostViewSymlinks(t *testing.T) {
	b := exportOCI(t, ociCases[1])
	if b.Symlinks["/bin"] != "usr/bin" || !b.Spec.Root.Readonly {
		t.Errorf("host view: symlinks %v, root %+v; want /bin -> usr/bin on a read-only root", b.Symlinks, b.Spec.Root)
	}
	if !slices.ContainsFunc(b.Spec.Mounts, func(m specs.Mount) bool { return m.Destination == "/usr" && m.Type == "bind" }) {
		t.Errorf("host view mounts %v lack a bind of /usr", b.Spec.Mounts)
	}
}
