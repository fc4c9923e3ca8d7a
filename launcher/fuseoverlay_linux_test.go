package launcher

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/testenv"
	"github.com/hclsandbox/sandbox/isolation"
	"golang.org/x/sys/unix"
)

// refusedOverlay in a rootfs path makes the kernel's overlay mount of it
// fail as a kernel before 5.11 fails one in a user namespace.
const refusedOverlay = "kernel-refuses-overlay"

func init() {
	// Runs in the test binary, and so in the sandbox child it becomes.
	isolation.OverlayMountFault = func(lower string) error {
		if strings.Contains(lower, refusedOverlay) {
			return unix.EPERM
		}
		return nil
	}
}

// rootMountCheck prints what the sandbox wrote and the file system type
// of its root.
const rootMountCheck = "echo new > /written && cat /written && awk '$5 == \"/\" {print $(NF-2)}' /proc/self/mountinfo"

// Where the kernel refuses an overlay root in a user namespace, the child
// mounts it with fuse-overlayfs, ephemeral or persistent: the sandbox
// writes to it, the write lands in the upper directory, the rootfs
// directory stays unchanged, and nothing is left once it ends.
func TestOverlayFallsBackToFuseOverlayfs(t *testing.T) {
	requireFuseOverlayfs(t)
	for _, mode := range []string{config.RootfsEphemeral, config.RootfsPersistent} {
		t.Run(mode, func(t *testing.T) {
			rootfs := fuseRootfs(t, refusedOverlay)
			s := withIDMaps(withUserNamespace(sandboxFor(rootfs)))
			s.RootfsOptions.Mode = mode
			if mode == config.RootfsPersistent {
				s.RootfsOptions.StateDir = filepath.Join(filepath.Dir(rootfs), "state")
				if err := os.Mkdir(s.RootfsOptions.StateDir, 0o755); err != nil {
					t.Fatal(err)
				}
				os.Chown(s.RootfsOptions.StateDir, 200000, 200000)
			}
			s.Command = []string{"/bin/sh", "-c", rootMountCheck}
			before := fuseDaemons(t)
			out, res := runPlan(t, rootlessPlan(s))
			if got := strings.Join(strings.Fields(out), " "); res.ExitCode != 0 || got != "new fuse.fuse-overlayfs" {
				t.Fatalf("exit %d (%s), printed %q; want the write read back on a fuse-overlayfs root", res.ExitCode, res.Describe(), out)
			}
			if _, err := os.Lstat(filepath.Join(rootfs, "written")); err == nil {
				t.Error("the write reached the rootfs directory")
			}
			if mode == config.RootfsPersistent {
				if b, err := os.ReadFile(filepath.Join(s.RootfsOptions.StateDir, "upper", "written")); err != nil || string(b) != "new\n" {
					t.Errorf("upper/written = %q, %v; want the sandbox's write", b, err)
				}
			}
			if after := fuseDaemons(t); after > before {
				t.Errorf("%d fuse-overlayfs processes after the sandbox ended, %d before", after, before)
			}
			assertNoMountUnder(t, filepath.Dir(rootfs))
		})
	}
}

// Where the kernel mounts the overlay, fuse-overlayfs is not used.
func TestOverlayInUserNamespaceUsesKernel(t *testing.T) {
	requireFuseOverlayfs(t)
	rootfs := fuseRootfs(t, "kernel-mounts-overlay")
	s := withIDMaps(withUserNamespace(sandboxFor(rootfs)))
	s.Command = []string{"/bin/sh", "-c", rootMountCheck}
	out, res := runPlan(t, rootlessPlan(s))
	if got := strings.Join(strings.Fields(out), " "); res.ExitCode != 0 || got != "new overlay" {
		t.Fatalf("exit %d (%s), printed %q; want the write read back on a kernel overlay root", res.ExitCode, res.Describe(), out)
	}
}

// Without fuse-overlayfs on PATH, the kernel's refusal is the error and
// it says how to install the fallback.
func TestOverlayRefusedWithoutFuseOverlayfs(t *testing.T) {
	testenv.RequireRoot(t)
	rootfs := fuseRootfs(t, refusedOverlay)
	t.Setenv("PATH", "/nonexistent")
	_, res := runPlan(t, rootlessPlan(withIDMaps(withUserNamespace(sandboxFor(rootfs)))))
	if res.ExitCode == 0 || !strings.Contains(res.Describe(), "apt-get install fuse-overlayfs") ||
		!strings.Contains(res.Describe(), "operation not permitted") {
		t.Errorf("without fuse-overlayfs: exit %d (%s); want the kernel's refusal naming apt-get install fuse-overlayfs", res.ExitCode, res.Describe())
	}
}

// The sandbox sees its fuse-overlayfs daemon in its pid namespace, but
// not what the daemon sees: the daemon's root and descriptors (its
// /dev/fuse among them) are refused to it, its /dev has no fuse node and
// none of its processes holds one, and the daemon's mount table holds
// only its own binary, /usr, the layers and its /proc, not the host's.
func TestFuseOverlayDaemonHidesTheHost(t *testing.T) {
	requireFuseOverlayfs(t)
	rootfs := fuseRootfs(t, refusedOverlay)
	s := withIDMaps(withUserNamespace(sandboxFor(rootfs)))
	s.Command = []string{"/bin/sh", "-c", `for p in /proc/[0-9]*; do [ "$(cat $p/comm 2>/dev/null)" = fuse-overlayfs ] && d=$p; done
echo daemon=${d:+found}
ls $d/root/ >/dev/null 2>&1 && echo root-readable
ls $d/root/oldroot/ >/dev/null 2>&1 && echo host-readable
readlink $d/fd/3 >/dev/null 2>&1 && echo fd-readable
(exec 4<>$d/fd/3) 2>/dev/null && echo fuse-device-opened
ls -l /proc/self/fd/ /proc/1/fd/ 2>/dev/null | grep -q fuse && echo fuse-device-inherited
[ -e /dev/fuse ] && echo fuse-device-node
awk '{print $5}' $d/mountinfo | sort | tr '\n' ' '`}
	out, res := runPlan(t, rootlessPlan(s))
	got := strings.Join(strings.Fields(out), " ")
	if want := "daemon=found /fuse-overlayfs /layers/0 /layers/scratch /proc /usr"; res.ExitCode != 0 || got != want {
		t.Errorf("exit %d (%s), printed %q; want %q", res.ExitCode, res.Describe(), got, want)
	}
}

func requireFuseOverlayfs(t *testing.T) {
	t.Helper()
	testenv.RequireRoot(t)
	if _, err := os.Stat("/dev/fuse"); err != nil {
		testenv.Missing(t, "needs /dev/fuse")
	}
	if _, err := os.Stat("/usr/bin/fuse-overlayfs"); err != nil {
		testenv.Missing(t, "needs fuse-overlayfs (Debian's fuse-overlayfs)")
	}
}

// fuseRootfs makes a busybox rootfs named name that the ids of
// withIDMaps can read.
func fuseRootfs(t *testing.T, name string) string {
	t.Helper()
	rootfs := filepath.Join(t.TempDir(), name)
	if err := testenv.MakeRootfs(rootfs, testenv.Probe(t)); err != nil {
		t.Fatal(err)
	}
	testenv.RequireBusybox(t, rootfs)
	for _, d := range []string{filepath.Dir(filepath.Dir(rootfs)), filepath.Dir(rootfs), rootfs} {
		os.Chmod(d, 0o755)
	}
	return rootfs
}

// fuseDaemons counts the host's fuse-overlayfs processes.
func fuseDaemons(t *testing.T) int {
	t.Helper()
	procs, err := filepath.Glob("/proc/[0-9]*/comm")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range procs {
		if b, err := os.ReadFile(p); err == nil && strings.TrimSpace(string(b)) == "fuse-overlayfs" {
			n++
		}
	}
	return n
}

// assertNoMountUnder fails if the host has a mount under dir.
func assertNoMountUnder(t *testing.T, dir string) {
	t.Helper()
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) > 4 && strings.HasPrefix(f[4], dir) {
			t.Errorf("mount left under %s: %s", dir, line)
		}
	}
}

// rootlessPlan is the plan of s as a launcher without root has it, as far
// as the fallback goes: no cgroup, and so no device allowlist.
func rootlessPlan(s *config.Sandbox) *Plan {
	p := NewPlan(s, probeTestHost())
	p.Rootless, p.Cgroup = true, nil
	return p
}

// Through fuse-overlayfs too, 300 lower layers stack: the bottom and a
// middle layer's files are visible and the topmost copy of a name wins.
func TestFuseOverlayManyLowerLayers(t *testing.T) {
	requireFuseOverlayfs(t)
	top := fuseRootfs(t, refusedOverlay)
	base := t.TempDir()
	for _, d := range []string{filepath.Dir(base), base} {
		os.Chmod(d, 0o755)
	}
	var lower []string
	for i := range 299 {
		d := filepath.Join(base, fmt.Sprintf("l%03d", i))
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		lower = append(lower, d)
	}
	for _, f := range []struct{ dir, name, text string }{
		{lower[298], "bottom", "bottom\n"}, {lower[150], "middle", "middle\n"},
		{lower[298], "shadowed", "lower\n"}, {top, "shadowed", "top\n"},
	} {
		if err := os.WriteFile(filepath.Join(f.dir, f.name), []byte(f.text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := withIDMaps(withUserNamespace(sandboxFor(top)))
	s.Command = []string{"/bin/sh", "-c", "cat /bottom /middle /shadowed && awk '$5 == \"/\" {print $(NF-2)}' /proc/self/mountinfo"}
	plan := rootlessPlan(s)
	plan.Spec.Root.Lower = lower
	out, res := runPlan(t, plan)
	if res.ExitCode != 0 || out != "bottom\nmiddle\ntop\nfuse.fuse-overlayfs\n" {
		t.Fatalf("300 layers: exit %d (%s), output %q; want bottom, middle, top on fuse-overlayfs", res.ExitCode, res.Describe(), out)
	}
}
