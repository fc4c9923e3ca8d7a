package state

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/hclsandbox/sandbox/internal/proc"
	"github.com/hclsandbox/sandbox/internal/testenv"
	"github.com/hclsandbox/sandbox/launcher/cgroups"
)

// TestGCSparesReusedPid cleans up a record whose pid now belongs to an
// unrelated process, which must survive.
func TestGCSparesReusedPid(t *testing.T) {
	testenv.RequireRoot(t)
	other := exec.Command("sleep", "30")
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { other.Process.Kill(); other.Wait() }()
	pid := other.Process.Pid
	start := proc.StartTime(pid)
	sd := Dir{Root: t.TempDir()}
	writeOrphan(t, sd, &Record{Name: "stale", Pid: pid, PidStart: start + 1,
		Cgroup: &cgroups.CgroupRef{Version: 1, Root: "/sys/fs/cgroup", Controllers: []string{"memory"}, Leaf: "sandbox/stale-00000000"}})
	rep, err := sd.GC(context.Background())
	if err != nil || rep.Records != 1 || rep.Killed != 0 {
		t.Errorf("GC() = %+v, %v; want 1 record removed, nothing killed", rep, err)
	}
	if !proc.SameProcess(pid, start) {
		t.Errorf("gc signalled pid %d, which the stale record named with another start time", pid)
	}
	if names, _ := sd.Names(); len(names) != 0 {
		t.Errorf("records left: %v", names)
	}
}

// writeOrphan writes rec into sd as the record of a supervisor that died.
func writeOrphan(t *testing.T, sd Dir, rec *Record) {
	t.Helper()
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	rec.Supervisor, rec.SupervisorStart = dead.Process.Pid, 1
	dir := filepath.Join(sd.Root, rec.Name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := rec.write(dir); err != nil {
		t.Fatal(err)
	}
}

// TestClaimRefusesLiveName claims a name twice: the second is refused and
// the first keeps its record.
func TestClaimRefusesLiveName(t *testing.T) {
	sd := Dir{Root: t.TempDir()}
	first, err := sd.Claim(context.Background(), Record{Name: "web"})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Release()
	_, err = sd.Claim(context.Background(), Record{Name: "web"})
	if !errors.Is(err, ErrRunning) {
		t.Errorf("second Claim(web) = %v, want ErrRunning", err)
	}
	if _, err := sd.Read("web"); err != nil {
		t.Errorf("the first claim's record is gone: %v", err)
	}
}

// TestGCDetachesRecordedMounts leaves a host mount that a dead launcher
// recorded; gc detaches it.
func TestGCDetachesRecordedMounts(t *testing.T) {
	testenv.RequireRoot(t)
	target := t.TempDir()
	sd := Dir{Root: t.TempDir()}
	claim, err := sd.Claim(context.Background(), Record{Name: "mounted"})
	if err != nil {
		t.Fatal(err)
	}
	if err := claim.NoteMount(target); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", target, "tmpfs", 0, "size=1m"); err != nil {
		t.Fatalf("mount tmpfs on %s: %v", target, err)
	}
	t.Cleanup(func() { syscall.Unmount(target, syscall.MNT_DETACH) })
	claim.lock.Close() // as if the launcher had died: the lock is gone, the record stays
	rep, err := sd.GC(context.Background())
	if err != nil || rep.Records != 1 || rep.Mounts != 1 {
		t.Errorf("GC() = %+v, %v; want 1 record and 1 mount removed", rep, err)
	}
	if strings.Contains(testenv.MountPoints(), target) {
		t.Errorf("%s is still mounted after gc", target)
	}
}
