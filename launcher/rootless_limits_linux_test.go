package launcher

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/hclsandbox/sandbox/internal/testenv"
	"github.com/hclsandbox/sandbox/launcher/cgroups"
)

// Without root on a cgroup v1 host, `sandbox run` refuses a sandbox whose
// limits it cannot enforce, naming each and why (exit 125), and runs it
// when the file lists them as optional, saying which go unenforced.
func TestRootlessV1LimitsRun(t *testing.T) {
	testenv.RequireRoot(t)
	if v := cgroups.ProbeCgroups("/sys/fs/cgroup").Version; v != 1 {
		t.Skipf("the host has cgroup v%d, not v1: TestRootlessDelegatedLimits covers v2", v)
	}
	u := unprivilegedUser(t)
	bin := testenv.Build(t, "github.com/hclsandbox/sandbox/cmd/sandbox")
	rootfs := testenv.Rootfs(t)
	testenv.RequireBusybox(t, rootfs)
	cfg := filepath.Join(filepath.Dir(rootfs), "v1limits.hcl")
	body := func(optional string) string {
		return fmt.Sprintf(`sandbox "rootless" {
  rootfs  = %q
  command = ["/bin/echo", "ran"]
  limits {
    memory = "64MiB"
    pids   = 64
    %s
  }
}
`, rootfs, optional)
	}
	run := userDir(t, u) // records of its own: others may run sandboxes as u meanwhile
	code, stdout, stderr := runAs(t, bin, u, cfg, run, body(""))
	want := `limits.memory, limits.pids cannot be enforced: cgroup v1 cannot be delegated to a user without root; run it as root, on a cgroup v2 host with a subtree delegated to you, or mark them optional: limits { optional = ["memory", "pids"] }`
	if code != 125 || !strings.Contains(stderr, want) || stdout != "" {
		t.Errorf("required limits: exit %d, stdout %q, stderr %q; want 125 and %q", code, stdout, stderr, want)
	}
	code, stdout, stderr = runAs(t, bin, u, cfg, run, body(`optional = ["memory", "pids"]`))
	if code != 0 || stdout != "ran\n" || !strings.Contains(stderr, "memory (limits.memory) not enforced: cgroup v1 cannot be delegated") {
		t.Errorf("optional limits: exit %d, stdout %q, stderr %q; want 0, ran and a warning", code, stdout, stderr)
	}
}

// runAs writes body into cfg, a file u can read, and runs its sandbox
// "rootless" as u, with its records in run ("" for u's own place),
// returning the exit code and output.
func runAs(t *testing.T, bin string, u testUser, cfg, run, body string) (code int, stdout, stderr string) {
	t.Helper()
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	cmd := exec.Command(bin, "run", cfg, "rootless")
	cmd.Dir = "/"
	cmd.Stdout, cmd.Stderr = &out, &errOut
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=/", "SANDBOX_RUN=" + run}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: u.uid, Gid: u.gid}}
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("run as uid %d: %v", u.uid, err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
}
