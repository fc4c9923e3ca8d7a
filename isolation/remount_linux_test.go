package isolation

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// inMountNamespace runs fn on a thread of its own in a new mount
// namespace, which goes away with the thread: nothing fn mounts reaches
// the host.
func inMountNamespace(t *testing.T, fn func() error) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to make a mount namespace; CI runs it as root")
	}
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
		if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
			errc <- err
			return
		}
		if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
			errc <- err
			return
		}
		errc <- fn()
	}()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

// The walk that stands in for mount_setattr(2) on kernels before 5.12
// makes every mount of a tree read-only, not only the top one.
func TestRemountTreeReachesSubmounts(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "src"), filepath.Join(dir, "dst")
	var info string
	inMountNamespace(t, func() error {
		for _, step := range []func() error{
			func() error { return os.Mkdir(src, 0o755) },
			func() error { return os.Mkdir(dst, 0o755) },
			func() error { return unix.Mount("t1", src, "tmpfs", unix.MS_NOSUID, "size=64k") },
			func() error { return os.Mkdir(src+"/sub", 0o755) },
			func() error { return unix.Mount("t2", src+"/sub", "tmpfs", unix.MS_NODEV, "size=64k") },
			func() error { return unix.Mount(src, dst, "", unix.MS_BIND|unix.MS_REC, "") },
			func() error { return remountTree(dst, "/proc", []string{"ro", "noexec"}) },
		} {
			if err := step(); err != nil {
				return err
			}
		}
		b, err := os.ReadFile("/proc/thread-self/mountinfo")
		info = string(b)
		return err
	})
	want := map[string][]string{dst: {"ro", "noexec", "nosuid"}, dst + "/sub": {"ro", "noexec", "nodev"}}
	for _, line := range strings.Split(info, "\n") {
		f := strings.Fields(line)
		if len(f) < 6 || want[f[4]] == nil {
			continue
		}
		opts := "," + f[5] + ","
		for _, o := range want[f[4]] {
			if !strings.Contains(opts, ","+o+",") {
				t.Errorf("%s is mounted %s, want %s (kept or added)", f[4], f[5], o)
			}
		}
		delete(want, f[4])
	}
	if len(want) > 0 {
		t.Errorf("no mount at %v in:\n%s", want, info)
	}
}
