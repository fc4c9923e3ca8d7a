package launcher

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/hclsandbox/sandbox/config"
)

// TestPersistentFilesOutOfReach: a root payload in a persistent sandbox
// makes a setuid-root copy of a shell in its root; it lands in state_dir/upper
// on the host, and another local user (uid 65534) must not reach it.
func TestPersistentFilesOutOfReach(t *testing.T) {
	s := shellSandbox(t, "cp /bin/busybox /suid-sh && chmod 4755 /suid-sh")
	top := t.TempDir()
	os.Chmod(top, 0o755) // others may traverse up to state_dir, as in a home or project directory
	sd := filepath.Join(top, "state")
	s.RootfsOptions = config.RootfsOptions{Mode: config.RootfsPersistent, StateDir: sd}
	if _, out, res := prepared(t, s, t.TempDir(), nil); res.ExitCode != 0 {
		t.Fatalf("exit %d (%s), output %q", res.ExitCode, res.Describe(), out)
	}
	suid := filepath.Join(sd, "upper", "suid-sh")
	if info, err := os.Stat(suid); err != nil || info.Mode()&os.ModeSetuid == 0 {
		t.Fatalf("the payload's setuid copy is not on the host: %v, %v", info, err)
	}
	out, err := nobody(t, "ls -l "+suid).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "Permission denied") {
		t.Errorf("uid 65534 reached %s: %v\n%s", suid, err, out)
	}
	if info, err := os.Stat(sd); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("state_dir: %v, %v; want mode 0700", info, err)
	}
}

// nobody is a shell running script as uid and gid 65534.
func nobody(t *testing.T, script string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("/bin/sh", "-c", script)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	return cmd
}

// TestRootfsStateChecked: a state_dir that an earlier version left open,
// holding only the layers, is closed; one that holds more, or belongs to
// another user, is refused with its mode or owner.
func TestRootfsStateChecked(t *testing.T) {
	old := filepath.Join(t.TempDir(), "old")
	os.MkdirAll(filepath.Join(old, "upper"), 0o755)
	os.MkdirAll(filepath.Join(old, "work"), 0o755)
	os.Chmod(old, 0o755)
	if err := makeRootfsState(old, -1); err != nil {
		t.Fatalf("makeRootfsState(an earlier version's state_dir) = %v", err)
	}
	if info, _ := os.Stat(old); info.Mode().Perm() != 0o700 {
		t.Errorf("the earlier version's state_dir has mode %v, want 0700", info.Mode())
	}
	project := t.TempDir()
	os.Chmod(project, 0o755)
	os.WriteFile(filepath.Join(project, "sandbox.hcl"), nil, 0o644)
	if err := makeRootfsState(project, -1); err == nil || !strings.Contains(err.Error(), "mode 0755") {
		t.Errorf("makeRootfsState(a directory with other files, mode 0755) = %v, want it refused", err)
	}
	if os.Geteuid() != 0 {
		return
	}
	theirs := filepath.Join(t.TempDir(), "theirs")
	os.Mkdir(theirs, 0o700)
	os.Chown(theirs, 65534, 65534)
	if err := makeRootfsState(theirs, 65534); err == nil || !strings.Contains(err.Error(), "65534") {
		t.Errorf("makeRootfsState(a directory of uid 65534) = %v, want it refused", err)
	}
	// Below the author's own directory, as in a project in their home, a
	// state_dir is root's own and fine; below another user's it is not.
	if err := makeRootfsState(filepath.Join(theirs, "state"), 65534); err != nil {
		t.Errorf("makeRootfsState(below the author's directory) = %v", err)
	}
	if err := makeRootfsState(filepath.Join(theirs, "other"), 1234); err == nil || !strings.Contains(err.Error(), "belongs to another user") {
		t.Errorf("makeRootfsState(below another user's directory) = %v, want it refused", err)
	}
}
