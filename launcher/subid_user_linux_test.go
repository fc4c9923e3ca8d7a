package launcher

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/hclsandbox/sandbox/internal/testenv"
)

// subIDTestUser is a throwaway user with subordinate ranges of its own.
type subIDTestUser struct {
	testUser
	name  string
	start uint32 // its uid and gid ranges both start here
	count uint32
	run   string // its SANDBOX_RUN and SANDBOX_HOME
}

// newSubIDUser creates a system user with a subordinate uid range and a
// gid range of count ids, above every range already in /etc/subuid and
// /etc/subgid, and removes the user, its group and its ranges after the
// test, checking that no line names it any more.
func newSubIDUser(t *testing.T, count uint32) *subIDTestUser {
	t.Helper()
	for _, tool := range []string{"useradd", "usermod", "userdel", "newuidmap", "newgidmap"} {
		if _, err := exec.LookPath(tool); err != nil {
			testenv.Missing(t, "needs %s (Debian's passwd and uidmap)", tool)
		}
	}
	name := fmt.Sprintf("sbx-subid-%d", os.Getpid())
	start := freeSubIDStart()
	span := fmt.Sprintf("%d-%d", start, start+count-1)
	if out, err := exec.Command("useradd", "--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", name).CombinedOutput(); err != nil {
		t.Fatalf("useradd %s: %v: %s", name, err, out)
	}
	t.Cleanup(func() { removeSubIDUser(t, name) })
	if out, err := exec.Command("usermod", "--add-subuids", span, "--add-subgids", span, name).CombinedOutput(); err != nil {
		t.Fatalf("usermod %s: %v: %s", name, err, out)
	}
	u, err := user.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	run := filepath.Join(t.TempDir(), "state")
	if err := os.Mkdir(run, 0o700); err != nil {
		t.Fatal(err)
	}
	os.Chmod(filepath.Dir(run), 0o755)
	if err := os.Chown(run, uid, gid); err != nil {
		t.Fatal(err)
	}
	return &subIDTestUser{testUser: testUser{uint32(uid), uint32(gid)}, name: name, start: start, count: count, run: run}
}

// freeSubIDStart is the first id past every range of /etc/subuid and
// /etc/subgid and past 2^31, aligned to 65536.
func freeSubIDStart() uint32 {
	next := uint64(1) << 31
	for _, f := range []string{"/etc/subuid", "/etc/subgid"} {
		b, _ := os.ReadFile(f)
		for _, line := range strings.Split(string(b), "\n") {
			p := strings.Split(line, ":")
			if len(p) != 3 {
				continue
			}
			s, err1 := strconv.ParseUint(p[1], 10, 32)
			c, err2 := strconv.ParseUint(p[2], 10, 32)
			if err1 == nil && err2 == nil && s+c > next {
				next = s + c
			}
		}
	}
	return uint32((next + 65535) / 65536 * 65536)
}

// removeSubIDUser deletes the user with its group and ranges, and fails
// the test when an account file still names it.
func removeSubIDUser(t *testing.T, name string) {
	if out, err := exec.Command("userdel", name).CombinedOutput(); err != nil {
		t.Errorf("userdel %s: %v: %s", name, err, out)
	}
	for _, f := range []string{"/etc/passwd", "/etc/group", "/etc/subuid", "/etc/subgid", "/etc/shadow", "/etc/gshadow"} {
		b, _ := os.ReadFile(f)
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, name+":") {
				t.Errorf("%s still has %q after userdel", f, line)
			}
		}
	}
}

// sandboxAs runs `sandbox run cfg NAME` as u with body written to cfg, on
// path (PATH) and with u's own state directories, and returns what it
// printed and its exit code.
func (u *subIDTestUser) sandboxAs(t *testing.T, bin, cfg, name, body, path string) (stdout, stderr string, code int) {
	t.Helper()
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return u.commandAs(t, path, bin, "run", cfg, name)
}

// commandAs runs bin with args as u, on path and with u's own state
// directories, and returns what it printed and its exit code.
func (u *subIDTestUser) commandAs(t *testing.T, path, bin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Dir = "/"
	cmd.Stdout, cmd.Stderr = &out, &errOut
	cmd.Env = []string{"PATH=" + path, "HOME=/", "SANDBOX_RUN=" + u.run, "SANDBOX_HOME=" + u.run}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: u.uid, Gid: u.gid}}
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("run %s as uid %d: %v", bin, u.uid, err)
	}
	return out.String(), errOut.String(), code
}
