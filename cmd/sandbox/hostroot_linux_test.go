package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/internal/testenv"
)

// TestHostRootUnderAnotherName gives a sandbox the host's / under a name
// that no configuration check can see through: a bind mount of / (made in
// a private mount namespace, so the host never sees it). The payload
// would read the host's /etc/os-release (the sandbox's /tmp is its own, so
// a canary there would not show); the start must be refused.
func TestHostRootUnderAnotherName(t *testing.T) {
	testenv.RequireRoot(t)
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("needs unshare (util-linux)")
	}
	const canary = "/etc/os-release"
	host, err := os.ReadFile(canary)
	if err != nil || len(host) == 0 {
		t.Skip("needs a host file to recognize:", err)
	}
	work := t.TempDir()
	os.Mkdir(filepath.Join(work, "hostroot"), 0o755)
	os.WriteFile(filepath.Join(work, "hr.hcl"), []byte(
		"sandbox \"hr\" {\n  rootfs  = \"./hostroot\"\n  command = [\"/bin/cat\", \""+canary+"\"]\n}\n"), 0o644)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(work, "bin")
	os.Mkdir(bin, 0o755)
	os.Symlink(self, filepath.Join(bin, "sandbox")) // argv[0] "sandbox" runs the command
	cmd := exec.Command("unshare", "-m", "--propagation", "private", "sh", "-c",
		`mount --bind / hostroot && exec "$0" run hr.hcl hr`, filepath.Join(bin, "sandbox"))
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "SANDBOX_HOME="+filepath.Join(work, "home"), "SANDBOX_RUN="+filepath.Join(work, "run"))
	out, err := cmd.CombinedOutput()
	if strings.Contains(string(out), string(host)) {
		t.Fatalf("the sandbox's root was the host's /: it read %s\n%s", canary, out)
	}
	if cmd.ProcessState.ExitCode() == 0 || !strings.Contains(string(out), "Host root as rootfs") {
		t.Errorf("run with / bound as rootfs: %v\n%s\nwant it refused as the host root", err, out)
	}
}
