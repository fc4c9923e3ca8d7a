package launcher

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/launcher/cgroups"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/probe/report"
	"github.com/hclsandbox/sandbox/internal/testenv"
	"golang.org/x/sys/unix"
)

// Checklist 36: the device allowlist of the sandbox's cgroup. A root
// filesystem ships two nodes, mode 0666, owned by root:
//
//	/opt/disk  a block device of the host, that of its root filesystem
//	           where it can be opened (hostBlockDevice)
//	/opt/mem   char 1:1, the numbers of /dev/mem (a kernel without it
//	           answers ENXIO)
//
// and the payload tries to open them. Each is reached through a mount
// without nodev (reachWithoutNodev), and the sandbox holds CAP_SYS_RAWIO,
// which /dev/mem asks for, so that nothing but the cgroup stands in the
// way: the open must fail with the cgroup's EPERM, not with nodev's
// EACCES nor the driver's ENXIO. Nothing is ever read from or written to
// either device: the probe opens and closes.

// plantedNodes are the probe's arguments for the planted nodes: the disk
// opened for reading and for writing, /opt/mem for reading only.
var plantedNodes = []string{"/opt/disk", "r:/opt/mem"}

// plantDevices makes opt/disk and opt/mem in dir and returns the disk's
// "major:minor".
func plantDevices(t *testing.T, dir string) string {
	t.Helper()
	opt := filepath.Join(dir, "opt")
	if err := os.Mkdir(opt, 0o755); err != nil {
		t.Fatal(err)
	}
	disk := hostBlockDevice(t)
	for name, node := range map[string]uint32{"disk": unix.S_IFBLK, "mem": unix.S_IFCHR} {
		rdev := disk
		if name == "mem" {
			rdev = unix.Mkdev(1, 1)
		}
		p := filepath.Join(opt, name)
		if err := unix.Mknod(p, node|0o666, int(rdev)); err != nil {
			t.Fatalf("mknod %s: %v", p, err)
		}
		if err := os.Chmod(p, 0o666); err != nil { // mknod applies the umask
			t.Fatal(err)
		}
	}
	return fmt.Sprintf("%d:%d", unix.Major(disk), unix.Minor(disk))
}

// hostBlockDevice is the block device the planted disk node points at: the
// one that holds the host's root filesystem when the test itself may open
// it, else the first of the host's block devices that it may open (a
// machine may keep even root from its own root disk), else the root
// filesystem's device all the same: a node with no driver behind it fails
// with ENXIO, which the test tells apart from the cgroup's EPERM. The test
// only opens, and closes.
func hostBlockDevice(t *testing.T) uint64 {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Stat("/", &st); err != nil {
		t.Fatal(err)
	}
	candidates := []uint64{st.Dev}
	entries, _ := os.ReadDir("/sys/dev/block")
	for _, e := range entries {
		var major, minor uint32
		if _, err := fmt.Sscanf(e.Name(), "%d:%d", &major, &minor); err == nil {
			candidates = append(candidates, unix.Mkdev(major, minor))
		}
	}
	dir := t.TempDir()
	for i, dev := range candidates {
		if opensOnHost(t, filepath.Join(dir, fmt.Sprint(i)), dev) {
			return dev
		}
	}
	t.Logf("no block device of this host opens here: the disk node is %d:%d, the root filesystem's", unix.Major(st.Dev), unix.Minor(st.Dev))
	return st.Dev
}

// opensOnHost reports whether this test process can open the block device
// dev, through a node it makes at p, for reading and for writing; it reads
// and writes nothing.
func opensOnHost(t *testing.T, p string, dev uint64) bool {
	if err := unix.Mknod(p, unix.S_IFBLK|0o600, int(dev)); err != nil {
		t.Fatalf("mknod %s: %v", p, err)
	}
	for _, mode := range []int{unix.O_RDONLY, unix.O_WRONLY} {
		fd, err := unix.Open(p, mode|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
		if err != nil {
			return false
		}
		unix.Close(fd)
	}
	return true
}

// reachWithoutNodev makes the sandbox reach the nodes planted in hostDir
// (its opt directory) through a mount without nodev: a bind whose options
// lift it, so that checkDenied proves the cgroup and not the mount.
func reachWithoutNodev(s *config.Sandbox, hostDir string) {
	s.Mounts = append(s.Mounts, config.Mount{Type: "bind", Source: hostDir, Target: "/opt", Options: []string{"dev"}})
}

// attackSandbox runs the probe on rootfs against the planted nodes, with
// the capability /dev/mem asks for.
func attackSandbox(rootfs, opt string) *config.Sandbox {
	s := sandboxFor(rootfs, append([]string{"devices"}, plantedNodes...)...)
	s.Security.CapAdd = []string{"CAP_SYS_RAWIO"}
	reachWithoutNodev(s, opt)
	return s
}

// deviceHosts are the hosts the device tests run on, by cgroup version:
// this one as probed, and, on a hybrid host (v1 controllers beside a
// cgroup2 mount without any, at /sys/fs/cgroup/unified), this one with
// that cgroup2 tree alone, where a device program is enforced as on a
// unified host. So the v2 driver meets a real kernel here too, not only in
// make test-vm.
func deviceHosts() map[string]*Host {
	h := probeTestHost()
	out := map[string]*Host{fmt.Sprintf("v%d", h.Cgroups.Version): h}
	var fs unix.Statfs_t
	const unified = "/sys/fs/cgroup/unified"
	if h.Cgroups.Version == 1 && unix.Statfs(unified, &fs) == nil && fs.Type == unix.CGROUP2_SUPER_MAGIC {
		v2 := *h
		v2.Cgroups = cgroups.CgroupHost{Version: 2, Root: unified, Faults: h.Cgroups.Faults}
		out["v2"] = &v2
	}
	return out
}

// runDevices runs s on h, its tarball rootfs unpacked first, and decodes
// the probe's devices report.
func runDevices(t *testing.T, s *config.Sandbox, h *Host) map[string]report.Device {
	t.Helper()
	plan := NewPlan(s, h)
	if strings.HasSuffix(s.Rootfs, ".tar.gz") {
		p, err := PrepareRootfs(context.Background(), s, PrepareOptions{Home: t.TempDir()})
		if err != nil {
			t.Fatalf("PrepareRootfs() = %v", err)
		}
		plan = plan.WithRootfs(p.Dir)
	}
	if plan.Cgroup == nil || len(plan.Cgroup.Devices) == 0 {
		t.Fatalf("the plan has no device allowlist: cgroup %+v", plan.Cgroup)
	}
	var stdout, stderr bytes.Buffer
	proc, res, err := startPlan(t, plan, Stdio{Stdout: &stdout, Stderr: &stderr})
	if err != nil {
		t.Fatalf("Start(%s) = %v", s.Name, err)
	}
	if res == nil {
		res = proc.Wait()
	}
	if stderr.Len() > 0 {
		t.Logf("stderr of %s: %s", s.Name, stderr.String())
	}
	return decodeDevices(t, stdout.String(), res)
}

// decodeDevices decodes the probe's devices report.
func decodeDevices(t *testing.T, out string, res *Result) map[string]report.Device {
	t.Helper()
	if res.ExitCode != 0 {
		t.Fatalf("probe exited %d (%s); stdout: %s", res.ExitCode, res.Describe(), out)
	}
	var r map[string]report.Device
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("decode probe devices report %q: %v", out, err)
	}
	return r
}

// checkDenied checks that each planted node is there, as planted, on a
// mount without nodev, and that the cgroup refused every open.
func checkDenied(t *testing.T, r map[string]report.Device, disk string) {
	t.Helper()
	want := map[string]report.Device{
		"/opt/disk":  {Type: "block", Rdev: disk, Read: "EPERM", Write: "EPERM"},
		"r:/opt/mem": {Type: "char", Rdev: "1:1", Read: "EPERM", Write: "not tried"},
	}
	for arg, w := range want {
		got, ok := r[arg]
		switch {
		case !ok:
			t.Errorf("%s: no report", arg)
		case got.Type != w.Type || got.Rdev != w.Rdev:
			t.Errorf("%s inside is %s %s, want the planted %s %s", arg, got.Type, got.Rdev, w.Type, w.Rdev)
		case got.Nodev:
			t.Errorf("%s is on a nodev mount: the test no longer proves the cgroup; reach it through a mount with the dev option (reachWithoutNodev)", arg)
		case got != w:
			t.Errorf("%s: open for reading %s, for writing %s; want %s and %s (the device cgroup's refusal)", arg, got.Read, got.Write, w.Read, w.Write)
		}
	}
}

func TestDeviceNodeInDirRootfsDenied(t *testing.T) {
	testenv.RequireRoot(t)
	for v, h := range deviceHosts() {
		t.Run(v, func(t *testing.T) {
			dir := testenv.Rootfs(t)
			disk := plantDevices(t, dir)
			checkDenied(t, runDevices(t, attackSandbox(dir, filepath.Join(dir, "opt")), h), disk)
		})
	}
}

func TestDeviceNodeInTarballRootfsDenied(t *testing.T) {
	testenv.RequireRoot(t)
	for v, h := range deviceHosts() {
		t.Run(v, func(t *testing.T) {
			dir := testenv.Rootfs(t)
			disk := plantDevices(t, dir)
			s := withFile(attackSandbox(tarTree(t, dir), filepath.Join(dir, "opt")))
			checkDenied(t, runDevices(t, s, h), disk)
		})
	}
}

// TestDeviceAllowlistKeepsStandardNodes checks that what the allowlist lets
// through still works: the nodes of the sandbox's /dev, and a new
// pseudo-terminal with its pts. /dev/tty, without a terminal, gets past the
// cgroup to the tty driver, which finds no controlling terminal.
func TestDeviceAllowlistKeepsStandardNodes(t *testing.T) {
	testenv.RequireRoot(t)
	nodes := []string{"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/ptmx", "/dev/tty", "pts"}
	for v, h := range deviceHosts() {
		t.Run(v, func(t *testing.T) {
			r := runDevices(t, sandboxFor(testenv.Rootfs(t), append([]string{"devices"}, nodes...)...), h)
			for _, n := range nodes {
				want := "ok"
				if n == "/dev/tty" {
					want = "ENXIO"
				}
				if got := r[n]; got.Type != "char" || got.Read != want || got.Write != want {
					t.Errorf("%s: %+v, want a char device that opens for reading and writing: %s", n, got, want)
				}
			}
		})
	}
}

// TestDeviceAllowlistTTYWithTerminal checks that /dev/tty opens when the
// sandbox has a terminal.
func TestDeviceAllowlistTTYWithTerminal(t *testing.T) {
	testenv.RequireRoot(t)
	var out bytes.Buffer
	plan := NewPlan(sandboxFor(testenv.Rootfs(t), "devices", "/dev/tty"), probeTestHost())
	proc, res, err := startPlan(t, plan, Stdio{Terminal: &Winsize{}, Stdout: &out})
	if err != nil {
		t.Fatalf("Start() = %v", err)
	}
	if res == nil {
		res = proc.Wait()
	}
	r := decodeDevices(t, strings.ReplaceAll(out.String(), "\r", ""), res)
	if got := r["/dev/tty"]; got.Read != "ok" || got.Write != "ok" {
		t.Errorf("/dev/tty with a terminal: %+v, want it to open for reading and writing", got)
	}
}

// tarTree writes dir, device nodes included, as a gzipped tarball and
// returns its path.
func tarTree(t *testing.T, dir string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "root.tar.gz")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := gzip.NewWriter(f)
	tw := tar.NewWriter(zw)
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		return addTarEntry(tw, dir, p, nil)
	})
	if err := errors.Join(err, tw.Close(), zw.Close()); err != nil {
		t.Fatalf("tar %s: %v", dir, err)
	}
	return out
}

// addTarEntry adds the file p under dir to tw, named relative to dir, its
// header first changed by edit when there is one.
func addTarEntry(tw *tar.Writer, dir, p string, edit func(*tar.Header)) error {
	info, err := os.Lstat(p)
	if err != nil {
		return err
	}
	link := ""
	if info.Mode()&fs.ModeSymlink != 0 {
		if link, err = os.Readlink(p); err != nil {
			return err
		}
	}
	hdr, err := tar.FileInfoHeader(info, link)
	if err != nil {
		return err
	}
	hdr.Name, _ = filepath.Rel(dir, p)
	if info.IsDir() {
		hdr.Name += "/"
	}
	if edit != nil {
		edit(hdr)
	}
	if err := tw.WriteHeader(hdr); err != nil || !info.Mode().IsRegular() {
		return err
	}
	b, err := os.ReadFile(p)
	if err == nil {
		_, err = tw.Write(b)
	}
	return err
}
