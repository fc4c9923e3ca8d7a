package launcher

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/hclsandbox/sandbox/internal/testenv"
)

// TestRootlessLifecycle drives a detached sandbox of an ordinary user
// through ps, exec, logs, stop and gc, and checks that another ordinary
// user sees none of it and can stop none of it.
func TestRootlessLifecycle(t *testing.T) {
	testenv.RequireRoot(t)
	owner := namedTestUser(t, "sandbox-life-test")
	other := namedTestUser(t, "sandbox-life-other")
	bin := testenv.Build(t, "github.com/hclsandbox/sandbox/cmd/sandbox")
	rootfs := testenv.Rootfs(t)
	testenv.RequireBusybox(t, rootfs)
	dir := userDir(t, owner)
	cfg := filepath.Join(dir, "life.hcl")
	body := "sandbox \"life\" {\n  rootfs  = \"" + rootfs + "\"\n  command = [\"/bin/sh\", \"-c\", \"echo hello from life; exec sleep 1000\"]\n}\n"
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	as := func(u testUser, home string, args ...string) (string, string, error) {
		var out, errOut bytes.Buffer
		cmd := exec.Command(bin, args...)
		cmd.Dir, cmd.Stdout, cmd.Stderr = home, &out, &errOut
		cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + home, "XDG_RUNTIME_DIR=" + home}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: u.uid, Gid: u.gid}}
		err := cmd.Run()
		return out.String(), errOut.String(), err
	}
	must := func(u testUser, home string, args ...string) string {
		t.Helper()
		out, errOut, err := as(u, home, args...)
		if err != nil {
			t.Fatalf("sandbox %s as uid %d: %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), u.uid, err, out, errOut)
		}
		return out
	}
	must(owner, dir, "up", "-d", cfg)
	t.Cleanup(func() { as(owner, dir, "stop", "life"); as(owner, dir, "gc") })

	if out := must(owner, dir, "ps"); !strings.Contains(out, "life") || !strings.Contains(out, "running") {
		t.Errorf("ps of the owner = %q, want life running", out)
	}
	if out := must(owner, dir, "exec", "life", "--", "/bin/sh", "-c", "id -u; cat /proc/1/cmdline | tr '\\0' ' '"); !strings.HasPrefix(out, "0\n") {
		t.Errorf("exec id -u = %q, want 0: root of the sandbox's user namespace", out)
	}
	if out := must(owner, dir, "logs", "life"); !strings.Contains(out, "hello from life") {
		t.Errorf("logs = %q, want the sandbox's output", out)
	}

	otherDir := userDir(t, other)
	if out := must(other, otherDir, "ps"); strings.Contains(out, "life") {
		t.Errorf("ps of another user = %q: it lists the owner's sandbox", out)
	}
	if _, _, err := as(other, otherDir, "stop", "life"); err == nil {
		t.Errorf("another user's stop life succeeded")
	}
	if out := must(owner, dir, "ps"); !strings.Contains(out, "running") {
		t.Errorf("after another user's stop, ps = %q, want life still running", out)
	}

	must(owner, dir, "stop", "life")
	must(owner, dir, "gc")
	if out := must(owner, dir, "ps"); strings.Contains(out, "life") {
		t.Errorf("ps after stop and gc = %q, want no life", out)
	}
	if _, _, err := as(owner, dir, "logs", "life"); err == nil {
		t.Errorf("logs after gc succeeded: the log outlived gc")
	}
}
