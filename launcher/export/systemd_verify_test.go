package export

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/isolation"
	"github.com/hclsandbox/sandbox/launcher"
)

// TestSystemdPropertiesVerify writes the -p properties of exported
// command lines into a unit and has systemd-analyze verify read it
// offline, as systemd would: an unknown property or a malformed value is
// reported there, where a machine without systemd as PID 1 cannot run
// systemd-run itself.
func TestSystemdPropertiesVerify(t *testing.T) {
	tool, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed")
	}
	hostView := testPlan()
	hostView.Spec.Root = isolation.Root{Readonly: true, Flags: []string{"nosuid", "nodev"}}
	hostView.Spec.Mounts = append([]isolation.Mount{
		{Kind: isolation.KindBind, Source: "/usr", Target: "/usr", Flags: []string{"ro", "nosuid", "nodev"}},
		{Kind: isolation.KindSymlink, Source: "usr/bin", Target: "/bin"},
	}, hostView.Spec.Mounts...)
	for name, p := range map[string]*launcher.Plan{"rootfs": testPlan(), "host view": hostView} {
		c, err := SystemdRun(p, Options{Stat: stat})
		if err != nil {
			t.Fatal(err)
		}
		unit := filepath.Join(t.TempDir(), "export-test.service")
		var b strings.Builder
		b.WriteString("[Service]\nExecStart=/bin/true\n")
		for _, g := range c.Groups {
			if len(g) == 2 && g[0] == "-p" {
				b.WriteString(g[1] + "\n")
			}
		}
		if err := os.WriteFile(unit, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		out, _ := exec.Command(tool, "verify", unit).CombinedOutput()
		for _, line := range strings.Split(string(out), "\n") {
			if strings.Contains(line, unit) {
				t.Errorf("%s: systemd-analyze verify: %s\nunit:\n%s", name, line, b.String())
			}
		}
	}
}
