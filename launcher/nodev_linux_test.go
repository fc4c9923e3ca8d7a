package launcher

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/testenv"
	"golang.org/x/sys/unix"
)

// canaryBlockDevice attaches a loop device to an image that starts with
// canary and returns its device number: a node for it in a root
// filesystem would read and write the host's device.
func canaryBlockDevice(t *testing.T, canary string) uint64 {
	t.Helper()
	img := filepath.Join(t.TempDir(), "image")
	if err := os.WriteFile(img, append([]byte(canary), make([]byte, 1<<16)...), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("losetup", "--find", "--show", img).Output()
	if err != nil {
		t.Skipf("no loop device to plant a node of: losetup: %v", err)
	}
	loop := strings.TrimSpace(string(out))
	t.Cleanup(func() { exec.Command("losetup", "--detach", loop).Run() })
	var st unix.Stat_t
	if err := unix.Stat(loop, &st); err != nil {
		t.Fatal(err)
	}
	return st.Rdev
}

// Checklist 36: a block device node that a directory rootfs ships cannot
// be opened inside, in any rootfs mode: the root is mounted nodev.
func TestRootfsDeviceNodeNotOpened(t *testing.T) {
	testenv.RequireRoot(t)
	const canary = "host-disk-canary"
	dev := canaryBlockDevice(t, canary)
	for _, mode := range config.RootfsModes {
		t.Run(mode, func(t *testing.T) {
			rootfs := testenv.Rootfs(t)
			node := filepath.Join(rootfs, "d")
			if err := unix.Mknod(node, unix.S_IFBLK|0o666, int(dev)); err != nil {
				t.Fatal(err)
			}
			s := shellSandbox(t, "/probe read /d 16; /probe open /d")
			s.Rootfs = rootfs
			s.RootfsOptions.Mode = mode
			if mode == config.RootfsPersistent {
				s.RootfsOptions.StateDir = t.TempDir()
			}
			out, res := runSandbox(t, s)
			if res.ExitCode != 0 {
				t.Fatalf("probe exited %d (%s)", res.ExitCode, res.Describe())
			}
			if strings.Contains(out, canary) {
				t.Errorf("the host's block device %d:%d was read inside:\n%s", unix.Major(dev), unix.Minor(dev), out)
			}
			for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
				if strings.HasSuffix(line, ": ok") {
					t.Errorf("the host's block device %d:%d opened inside: %s", unix.Major(dev), unix.Minor(dev), line)
				}
			}
		})
	}
}

// Checklist 36: every mount the sandbox sees is nodev and nosuid, but the
// device nodes and devpts of its own /dev.
func TestEveryMountNodevNosuid(t *testing.T) {
	testenv.RequireRoot(t)
	rootfs := testenv.Rootfs(t)
	host := t.TempDir()
	for _, mode := range config.RootfsModes {
		t.Run(mode, func(t *testing.T) {
			s := sandboxFor(rootfs)
			s.RootfsOptions.Mode = mode
			if mode == config.RootfsPersistent {
				s.RootfsOptions.StateDir = t.TempDir()
			}
			s.Mounts = []config.Mount{
				{Type: "bind", Source: host, Target: "/rw"},
				{Type: "bind", Source: host, Target: "/ro", Readonly: true},
				{Type: "tmpfs", Target: "/scratch"},
				{Type: "overlay", Source: host, Target: "/ov"},
			}
			r := probe(t, s)
			checked := 0
			for _, m := range r.Mounts {
				f := strings.Fields(m) // root mountpoint fstype options
				if len(f) < 4 || f[1] == "/dev" || strings.HasPrefix(f[1], "/dev/") || slices.Contains(maskedPaths, f[1]) {
					continue // the sandbox's own devices, and masks: the null device
				}
				checked++
				opts := "," + f[3] + ","
				if !strings.Contains(opts, ",nodev,") || !strings.Contains(opts, ",nosuid,") {
					t.Errorf("%s (%s) is mounted %s, want nodev and nosuid", f[1], f[2], f[3])
				}
			}
			if checked < 6 {
				t.Errorf("checked %d mounts, want the root, /proc, /sys, /tmp and the four of the file: %v", checked, r.Mounts)
			}
		})
	}
}
