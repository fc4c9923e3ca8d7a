package state

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/hclsandbox/sandbox/internal/testenv"
)

// TestRenewKeepsLockCleansPrevious renews a claim whose record still
// names a live process and an exec socket: the process is killed as a
// new claim would kill it, the socket goes, the record is replaced, and
// the lock file is the same file throughout, never unlinked, so that no
// other launcher can take the name meanwhile.
func TestRenewKeepsLockCleansPrevious(t *testing.T) {
	testenv.RequireRoot(t)
	sd := Dir{Root: t.TempDir()}
	c, err := sd.Claim(context.Background(), Record{Name: "web", PlanDigest: "sha256:one"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Release()
	left := exec.Command("sleep", "30")
	if err := left.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { left.Process.Kill(); left.Wait() }()
	if err := c.NotePid(left.Process.Pid); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(c.Dir(), ExecSocket), nil, 0o600)
	lock, err := os.Open(filepath.Join(c.Dir(), lockFile))
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()

	if err := c.Renew(context.Background(), Record{Name: "web", PlanDigest: "sha256:two"}); err != nil {
		t.Fatalf("Renew() = %v", err)
	}
	if err := left.Wait(); err == nil || left.ProcessState.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Errorf("the previous run's process ended with %v, want SIGKILL", err)
	}
	r, err := sd.Read("web")
	if err != nil || r.PlanDigest != "sha256:two" || r.Pid != 0 || r.Supervisor != os.Getpid() {
		t.Errorf("record after Renew = %+v, %v; want the new plan's, no pid, this supervisor", r, err)
	}
	if _, err := os.Stat(filepath.Join(c.Dir(), ExecSocket)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the previous run's exec socket is still there: %v", err)
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(int(lock.Fd()), &st); err != nil || st.Nlink != 1 {
		t.Errorf("the lock file was unlinked during Renew (links %d, %v)", st.Nlink, err)
	}
	if _, err := sd.Claim(context.Background(), Record{Name: "web"}); !errors.Is(err, ErrRunning) {
		t.Errorf("Claim(web) after Renew = %v, want ErrRunning", err)
	}
}

// TestRenewReleased: a released claim cannot be renewed, and leaves no
// record behind.
func TestRenewReleased(t *testing.T) {
	sd := Dir{Root: t.TempDir()}
	c, err := sd.Claim(context.Background(), Record{Name: "web"})
	if err != nil {
		t.Fatal(err)
	}
	c.Release()
	if err := c.Renew(context.Background(), Record{Name: "web"}); !errors.Is(err, ErrReleased) {
		t.Errorf("Renew() of a released claim = %v, want ErrReleased", err)
	}
	if _, err := sd.Read("web"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a record after Renew of a released claim: %v", err)
	}
}
