package launcher

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hclsandbox/sandbox/internal/testenv"
)

// Checklist 5: a rootfs whose mount targets are symlinks pointing out of it
// either fails setup or has the mounts land inside it; the host is untouched.
func TestSandboxSymlinkedTargetsStayInside(t *testing.T) {
	testenv.RequireRoot(t)
	hostDir := t.TempDir() // where an escaping symlink would land
	cases := map[string]string{
		"proc": hostDir,
		"dev":  "../../../../../../" + hostDir,
		"tmp":  "/proc/sys/kernel",
	}
	for name, target := range cases {
		t.Run(name+"->"+target, func(t *testing.T) {
			rootfs := testenv.Rootfs(t)
			os.RemoveAll(filepath.Join(rootfs, name))
			if err := os.Symlink(target, filepath.Join(rootfs, name)); err != nil {
				t.Fatal(err)
			}
			_, res := runSandbox(t, sandboxFor(rootfs, "exit", "0"))
			if res.ExitCode != 0 && res.ExitCode != 125 {
				t.Errorf("exit code = %d (%s), want 0 (contained) or 125 (refused)", res.ExitCode, res.Describe())
			}
			entries, _ := os.ReadDir(hostDir)
			if len(entries) != 0 {
				t.Errorf("the sandbox wrote into the host directory %s: %v", hostDir, entries)
			}
		})
	}
}
