package launcher

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/testenv"
	"github.com/hclsandbox/sandbox/isolation"
)

// TestDebianRootfs runs tools of a real distribution in the rootfs that
// `make rootfs-debian` builds. It is optional: debootstrap needs the
// network and minutes, so the test skips when the rootfs is absent.
func TestDebianRootfs(t *testing.T) {
	testenv.RequireRoot(t)
	root, _ := filepath.Abs(filepath.Join("..", "examples", "rootfs", "debian"))
	if _, err := os.Stat(filepath.Join(root, "usr", "bin", "apt-get")); err != nil {
		t.Skipf("no Debian rootfs at %s: run `make rootfs-debian` first", root)
	}
	s := &config.Sandbox{Name: "debian", Rootfs: root, Namespaces: config.Namespaces,
		Command: []string{"/bin/sh", "-c", "apt-get --version | head -1; ps -e -o pid=,comm=; id -u"}}
	out, res := runSandbox(t, s)
	if res.ExitCode != 0 {
		t.Fatalf("exit %d (%s); output %q", res.ExitCode, res.Describe(), out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[0], "apt ") || lines[len(lines)-1] != "0" {
		t.Errorf("output = %q, want apt's version, the processes and uid 0", out)
	}
	// A shell gets an init as PID 1, which starts it.
	if !strings.Contains(out, "      1 "+isolation.InitName+"\n") || !strings.Contains(out, " sh\n") {
		t.Errorf("ps output %q does not show the init as pid 1 and the shell", out)
	}
}
