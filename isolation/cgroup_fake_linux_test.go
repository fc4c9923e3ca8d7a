package isolation

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// fakeKernel mimics cgroupfs in a temporary directory: a new cgroup
// directory gets its control files, writes are logged, subtree_control
// accumulates, and a kill empties cgroup.procs.
type fakeKernel struct {
	t     *testing.T
	root  string
	files map[string]string // file name -> initial content of a new cgroup
	log   []string
	// filterErr is what attaching a device allowlist returns.
	filterErr error
}

func newFakeKernel(t *testing.T, files map[string]string) *fakeKernel {
	return &fakeKernel{t: t, root: t.TempDir(), files: files}
}

func (k *fakeKernel) rel(p string) string {
	r, err := filepath.Rel(k.root, p)
	if err != nil {
		k.t.Fatal(err)
	}
	return r
}

func (k *fakeKernel) ops() cgroupOps {
	return cgroupOps{
		write: func(path, value string) error {
			k.log = append(k.log, "write "+k.rel(path)+" "+value)
			if filepath.Base(path) == "cgroup.kill" {
				os.WriteFile(filepath.Join(filepath.Dir(path), "cgroup.procs"), nil, 0o644)
			}
			if filepath.Base(path) == "cgroup.subtree_control" {
				old, _ := os.ReadFile(path)
				value = strings.TrimSpace(string(old) + " " + strings.TrimPrefix(value, "+"))
			}
			return writeFile(path, value)
		},
		mkdir: func(dir string) error {
			if err := os.Mkdir(dir, 0o755); err != nil {
				return err
			}
			k.log = append(k.log, "mkdir "+k.rel(dir))
			k.populate(dir)
			return nil
		},
		rmdir: func(dir string) error {
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if e.IsDir() {
					return syscall.EBUSY // a cgroup with children
				}
			}
			k.log = append(k.log, "rmdir "+k.rel(dir))
			return os.RemoveAll(dir)
		},
		threadCgroups: func() ([]byte, error) {
			return []byte(fakeThreadCgroups), nil
		},
		filterDevices: func(dir string, rules []DeviceRule) error {
			var rs []string
			for _, r := range rules {
				rs = append(rs, r.String())
			}
			k.log = append(k.log, "attach "+k.rel(dir)+" devices "+strings.Join(rs, ", "))
			return k.filterErr
		},
		kill: func(pid int) error {
			k.log = append(k.log, "kill "+strconv.Itoa(pid))
			filepath.Walk(k.root, func(p string, info os.FileInfo, err error) error {
				if err == nil && info.Name() == "cgroup.procs" && strings.Contains(p, CgroupParent) {
					os.WriteFile(p, nil, 0o644)
				}
				return nil
			})
			return nil
		},
	}
}

// populate creates the control files of a new cgroup; on v1 only those of
// the hierarchy it is in (its first path element).
func (k *fakeKernel) populate(dir string) {
	hier := strings.SplitN(k.rel(dir), string(filepath.Separator), 2)[0]
	for name, content := range k.files {
		if prefix, file, ok := strings.Cut(name, "/"); ok {
			if prefix != hier {
				continue
			}
			name = file
		}
		k.write(filepath.Join(dir, name), content)
	}
}

func (k *fakeKernel) write(path, content string) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		k.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		k.t.Fatal(err)
	}
}

func (k *fakeKernel) read(rel string) string {
	b, err := os.ReadFile(filepath.Join(k.root, rel))
	if err != nil {
		k.t.Errorf("read %s: %v", rel, err)
	}
	return string(b)
}

// takeLog returns the log so far and starts a new one.
func (k *fakeKernel) takeLog() string {
	s := strings.Join(k.log, "\n")
	k.log = nil
	return s
}

func checkLog(t *testing.T, step, got string, want ...string) {
	t.Helper()
	if w := strings.Join(want, "\n"); got != w {
		t.Errorf("%s did:\n%s\nwant:\n%s", step, got, w)
	}
}

var testLimits = CgroupLimits{CPUs: 0.5, Memory: 64 << 20, Pids: 64, CPUWeight: 100, IOWeight: 100}

func TestCgroupV2FakeTree(t *testing.T) {
	k := newFakeKernel(t, map[string]string{
		"cgroup.procs": "", "cgroup.subtree_control": "", "cgroup.kill": "", "cgroup.controllers": "",
		"cpu.max": "max 100000", "cpu.weight": "100", "memory.max": "max", "memory.swap.max": "max",
		"pids.max": "max", "io.weight": "default 100", "memory.peak": "1234",
		"memory.events": "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n", "cpu.stat": "usage_usec 2500000\nuser_usec 1\n",
	})
	k.write(filepath.Join(k.root, "cgroup.controllers"), "cpuset cpu io memory pids")
	k.write(filepath.Join(k.root, "cgroup.subtree_control"), "cpu")
	host := ProbeCgroups(k.root)
	cfg := NewCgroupConfig(host, testLimits, true)
	cg, err := newCgroup(cfg, "sandbox/web-1", k.ops())
	if err != nil {
		t.Fatal(err)
	}
	if w, err := cg.Create(); err != nil || w != nil {
		t.Fatalf("Create() = %v, %v", w, err)
	}
	checkLog(t, "Create", k.takeLog(),
		"write cgroup.subtree_control +io", "write cgroup.subtree_control +memory", "write cgroup.subtree_control +pids",
		"mkdir sandbox",
		"write sandbox/cgroup.subtree_control +cpu", "write sandbox/cgroup.subtree_control +io",
		"write sandbox/cgroup.subtree_control +memory", "write sandbox/cgroup.subtree_control +pids",
		"mkdir sandbox/web-1",
		"write sandbox/web-1/cpu.max 50000 100000", "write sandbox/web-1/cpu.weight 100",
		"write sandbox/web-1/memory.max 67108864", "write sandbox/web-1/memory.swap.max 0",
		"write sandbox/web-1/pids.max 64", "write sandbox/web-1/io.weight default 100",
		"attach sandbox/web-1 devices "+defaultDeviceList)
	if got := k.read("sandbox/web-1/memory.max"); got != "67108864" {
		t.Errorf("memory.max = %q", got)
	}
	if leave, err := cg.Enter(); err != nil || leave() != nil {
		t.Errorf("Enter() = %v", err)
	}
	k.write(filepath.Join(k.root, "sandbox/web-1/cgroup.procs"), "42\n")
	if err := cg.Kill(); err != nil {
		t.Errorf("Kill() = %v", err)
	}
	checkLog(t, "Enter and Kill", k.takeLog(), "write sandbox/web-1/cgroup.kill 1")
	want := CgroupStats{OOMKills: 1, PeakMemory: 1234, CPUTime: 2500000000}
	if got := cg.Stats(); got != want {
		t.Errorf("Stats() = %+v, want %+v", got, want)
	}
	if err := cg.Remove(); err != nil {
		t.Errorf("Remove() = %v", err)
	}
	checkLog(t, "Remove", k.takeLog(), "rmdir sandbox/web-1", "rmdir sandbox")
}

// defaultDeviceList is DefaultDevices as the fake kernel logs them.
const defaultDeviceList = "c 1:3 rwm, c 1:5 rwm, c 1:7 rwm, c 1:8 rwm, c 1:9 rwm, c 5:0 rwm, c 5:2 rwm, c 136:* rwm"

// fakeThreadCgroups is /proc/thread-self/cgroup of a launcher thread in
// the fake v1 tree: cpu and cpuacct co-mounted, a named hierarchy.
const fakeThreadCgroups = `12:name=systemd:/launcher.slice
7:devices:/launcher.slice
6:freezer:/launcher.slice
5:blkio:/launcher.slice
4:pids:/launcher.slice
3:memory:/launcher.slice
2:cpu,cpuacct:/launcher.slice
`

func v1Files() map[string]string {
	return map[string]string{
		"cgroup.procs":                       "",
		"tasks":                              "",
		"memory/memory.limit_in_bytes":       "9223372036854771712",
		"memory/memory.memsw.limit_in_bytes": "9223372036854771712",
		"memory/memory.max_usage_in_bytes":   "4096",
		"memory/memory.oom_control":          "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n",
		"cpu/cpu.cfs_period_us":              "100000",
		"cpu/cpu.cfs_quota_us":               "-1",
		"cpu/cpu.shares":                     "1024",
		"cpuacct/cpuacct.usage":              "1500000000",
		"pids/pids.max":                      "max",
		"blkio/blkio.bfq.weight":             "100",
		"freezer/freezer.state":              "THAWED",
		"devices/devices.deny":               "",
		"devices/devices.allow":              "",
	}
}

func newV1Kernel(t *testing.T) *fakeKernel {
	k := newFakeKernel(t, v1Files())
	for _, c := range v1Hierarchies {
		k.write(filepath.Join(k.root, c, "cgroup.procs"), "1\n")
		k.write(filepath.Join(k.root, c, "launcher.slice", "tasks"), "")
	}
	return k
}

func TestCgroupV1FakeTree(t *testing.T) {
	k := newV1Kernel(t)
	host := ProbeCgroups(k.root)
	if host.Version != 1 || len(host.Controllers) != len(v1Hierarchies) {
		t.Fatalf("ProbeCgroups() = %+v, want v1 with every hierarchy", host)
	}
	cg, _ := newCgroup(NewCgroupConfig(host, testLimits, true), "sandbox/web-1", k.ops())
	if w, err := cg.Create(); err != nil || w != nil {
		t.Fatalf("Create() = %v, %v", w, err)
	}
	var mk []string
	for _, c := range v1Hierarchies {
		mk = append(mk, "mkdir "+c+"/sandbox", "mkdir "+c+"/sandbox/web-1")
	}
	checkLog(t, "Create", k.takeLog(), append(mk,
		"write cpu/sandbox/web-1/cpu.cfs_period_us 100000", "write cpu/sandbox/web-1/cpu.cfs_quota_us 50000",
		"write cpu/sandbox/web-1/cpu.shares 1024",
		"write memory/sandbox/web-1/memory.limit_in_bytes 67108864",
		"write memory/sandbox/web-1/memory.memsw.limit_in_bytes 67108864",
		"write pids/sandbox/web-1/pids.max 64", "write blkio/sandbox/web-1/blkio.bfq.weight 500",
		"write devices/sandbox/web-1/devices.deny a",
		"write devices/sandbox/web-1/devices.allow c 1:3 rwm", "write devices/sandbox/web-1/devices.allow c 1:5 rwm",
		"write devices/sandbox/web-1/devices.allow c 1:7 rwm", "write devices/sandbox/web-1/devices.allow c 1:8 rwm",
		"write devices/sandbox/web-1/devices.allow c 1:9 rwm", "write devices/sandbox/web-1/devices.allow c 5:0 rwm",
		"write devices/sandbox/web-1/devices.allow c 5:2 rwm", "write devices/sandbox/web-1/devices.allow c 136:* rwm")...)
	leave, err := cg.Enter()
	if err != nil {
		t.Fatalf("Enter() = %v", err)
	}
	var enter, back []string
	for _, c := range v1Hierarchies {
		enter = append(enter, "write "+c+"/sandbox/web-1/tasks 0")
		back = append(back, "write "+c+"/launcher.slice/tasks 0")
	}
	checkLog(t, "Enter", k.takeLog(), enter...)
	if err := leave(); err != nil {
		t.Fatalf("leave() = %v", err)
	}
	checkLog(t, "leave", k.takeLog(), back...)
	k.write(filepath.Join(k.root, "freezer/sandbox/web-1/cgroup.procs"), "42\n")
	if err := cg.Kill(); err != nil {
		t.Errorf("Kill() = %v", err)
	}
	checkLog(t, "Kill", k.takeLog(), "write freezer/sandbox/web-1/freezer.state FROZEN", "kill 42",
		"write freezer/sandbox/web-1/freezer.state THAWED")
	want := CgroupStats{OOMKills: 2, PeakMemory: 4096, CPUTime: 1500000000}
	if got := cg.Stats(); got != want {
		t.Errorf("Stats() = %+v, want %+v", got, want)
	}
	if err := cg.Remove(); err != nil {
		t.Errorf("Remove() = %v", err)
	}
	var rm []string
	for i := len(v1Hierarchies) - 1; i >= 0; i-- {
		rm = append(rm, "rmdir "+v1Hierarchies[i]+"/sandbox/web-1", "rmdir "+v1Hierarchies[i]+"/sandbox")
	}
	checkLog(t, "Remove", k.takeLog(), rm...)
}

func TestCgroupWeights(t *testing.T) {
	for _, tc := range [][3]uint64{{1, 10, 10}, {100, 1024, 500}, {10000, 102400, 1000}, {50, 512, 252}} {
		if got := cpuShares(tc[0]); got != tc[1] {
			t.Errorf("cpuShares(%d) = %d, want %d", tc[0], got, tc[1])
		}
		if got := blkioWeight(tc[0]); got != tc[2] {
			t.Errorf("blkioWeight(%d) = %d, want %d", tc[0], got, tc[2])
		}
	}
}

func TestCgroupMissingController(t *testing.T) {
	host := CgroupHost{Version: 1, Root: "/x", Controllers: []string{"cpu", "freezer"}}
	cfg := NewCgroupConfig(host, testLimits, true)
	want := "memory (limits.memory),pids (limits.pids),blkio (limits.io_weight),devices (device allowlist)"
	if got := strings.Join(cfg.Missing, ","); got != want {
		t.Errorf("Missing = %s, want %s", got, want)
	}
	for _, w := range cfg.Writes {
		if w.Controller != "cpu" {
			t.Errorf("write %+v for a missing controller kept", w)
		}
	}
	if cfg.Devices != nil {
		t.Errorf("Devices = %v without the devices controller, want none", cfg.Devices)
	}
}

// TestCgroupDevicesPlanned checks that every cgroup gets the default
// device allowlist: on v2 always, on v1 with the devices controller, and
// that it does not depend on limits.
func TestCgroupDevicesPlanned(t *testing.T) {
	for _, host := range []CgroupHost{
		{Version: 1, Root: "/x", Controllers: []string{"devices"}},
		{Version: 2, Root: "/x"},
	} {
		cfg := NewCgroupConfig(host, CgroupLimits{}, true)
		if len(cfg.Missing) != 0 || !slices.Equal(cfg.Devices, DefaultDevices) {
			t.Errorf("v%d: Missing %v, Devices %v; want nothing missing and DefaultDevices", host.Version, cfg.Missing, cfg.Devices)
		}
	}
	if got := NewCgroupConfig(CgroupHost{}, testLimits, true).Devices; got != nil {
		t.Errorf("no cgroups: Devices = %v, want none", got)
	}
}

// TestCgroupV2DeviceFilterFails checks that a device allowlist the kernel
// refuses fails a strict Create and is a warning otherwise.
func TestCgroupV2DeviceFilterFails(t *testing.T) {
	k := newFakeKernel(t, map[string]string{"cgroup.procs": "", "cgroup.subtree_control": ""})
	k.write(filepath.Join(k.root, "cgroup.controllers"), "")
	k.write(filepath.Join(k.root, "cgroup.subtree_control"), "")
	k.filterErr = errors.New("refused")
	for _, strict := range []bool{true, false} {
		cg, _ := newCgroup(NewCgroupConfig(ProbeCgroups(k.root), CgroupLimits{}, strict), "sandbox/web-1", k.ops())
		w, err := cg.Create()
		switch {
		case strict && (err == nil || !strings.Contains(err.Error(), "refused")):
			t.Errorf("strict Create() = %v, want the filter's error", err)
		case !strict && (err != nil || len(w) != 1 || !strings.Contains(w[0], "device allowlist not enforced: refused")):
			t.Errorf("Create() = %q, %v; want a warning that the device allowlist is not enforced", w, err)
		}
		if err := cg.Remove(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCgroupNotStrictWarns(t *testing.T) {
	k := newV1Kernel(t)
	files := v1Files()
	delete(files, "pids/pids.max")
	k.files = files
	cfg := NewCgroupConfig(ProbeCgroups(k.root), CgroupLimits{Pids: 64}, false)
	cg, _ := newCgroup(cfg, "sandbox/w-1", k.ops())
	w, err := cg.Create()
	if err != nil || len(w) != 1 || !strings.Contains(w[0], "limits.pids not enforced") {
		t.Errorf("Create() = %q, %v, want a warning about limits.pids", w, err)
	}
	cfg.Strict = true
	cg, _ = newCgroup(cfg, "sandbox/w-2", k.ops())
	if _, err := cg.Create(); err == nil || !strings.Contains(err.Error(), "pids.max") {
		t.Errorf("strict Create() = %v, want an error naming pids.max", err)
	}
	cg.Remove()
}

func TestProbeCgroups(t *testing.T) {
	k := newFakeKernel(t, nil)
	if got := ProbeCgroups(k.root); got.Version != 0 {
		t.Errorf("empty: ProbeCgroups() = %+v, want version 0", got)
	}
	k.write(filepath.Join(k.root, "unified/cgroup.controllers"), "")
	if got := ProbeCgroups(k.root); got.Version != 0 {
		t.Errorf("empty unified: ProbeCgroups() = %+v, want version 0", got)
	}
	k.write(filepath.Join(k.root, "memory/cgroup.procs"), "")
	if got := ProbeCgroups(k.root); got.Version != 1 || strings.Join(got.Controllers, ",") != "memory" {
		t.Errorf("hybrid: ProbeCgroups() = %+v, want v1 memory", got)
	}
	k.write(filepath.Join(k.root, "cgroup.controllers"), "cpu memory\n")
	if got := ProbeCgroups(k.root); got.Version != 2 || got.Root != k.root {
		t.Errorf("unified: ProbeCgroups() = %+v, want v2 at the root", got)
	}
}

func TestCgroupSwapWrites(t *testing.T) {
	gib, unlimited := uint64(1<<30), uint64(SwapUnlimited)
	for _, tc := range []struct {
		version int
		swap    *uint64
		want    string
	}{
		{1, nil, "memory.memsw.limit_in_bytes=67108864 optional"},
		{1, &gib, "memory.memsw.limit_in_bytes=1140850688"},
		{1, &unlimited, "memory.memsw.limit_in_bytes=-1"},
		{2, nil, "memory.swap.max=0 optional"},
		{2, &gib, "memory.swap.max=1073741824"},
		{2, &unlimited, "memory.swap.max=max"},
	} {
		host := CgroupHost{Version: tc.version, Controllers: []string{"memory"}}
		cfg := NewCgroupConfig(host, CgroupLimits{Memory: 64 << 20, MemorySwap: tc.swap}, true)
		w := cfg.Writes[len(cfg.Writes)-1]
		got := w.File + "=" + w.Value
		if w.Optional {
			got += " optional"
		}
		if got != tc.want {
			t.Errorf("v%d swap %v: last write %s, want %s", tc.version, tc.swap, got, tc.want)
		}
	}
}

func TestCgroupSharedParent(t *testing.T) {
	k := newV1Kernel(t)
	host := ProbeCgroups(k.root)
	host.Controllers = []string{"pids"}
	cfg := NewCgroupConfig(host, CgroupLimits{Pids: 64}, true)
	a, _ := newCgroup(cfg, "sandbox/a-1", k.ops())
	b, _ := newCgroup(cfg, "sandbox/b-1", k.ops())
	for _, cg := range []Cgroup{a, b} {
		if _, err := cg.Create(); err != nil {
			t.Fatalf("Create() = %v", err)
		}
	}
	k.takeLog()
	if err := a.Remove(); err != nil {
		t.Errorf("Remove() = %v", err)
	}
	checkLog(t, "first Remove", k.takeLog(), "rmdir pids/sandbox/a-1")
	if err := b.Remove(); err != nil {
		t.Errorf("Remove() = %v", err)
	}
	checkLog(t, "last Remove", k.takeLog(), "rmdir pids/sandbox/b-1", "rmdir pids/sandbox")
}

// TestCgroupV1EnterNeedsItsWayBack checks that Enter moves nothing when
// the thread's own cgroups are not in the tree (a hierarchy mounted from
// below them), and that Place, the fallback, moves the whole process.
func TestCgroupV1EnterNeedsItsWayBack(t *testing.T) {
	k := newV1Kernel(t)
	ops := k.ops()
	ops.threadCgroups = func() ([]byte, error) {
		return []byte(strings.ReplaceAll(fakeThreadCgroups, "/launcher.slice", "/elsewhere")), nil
	}
	cg, _ := newCgroup(NewCgroupConfig(ProbeCgroups(k.root), testLimits, true), "sandbox/web-1", ops)
	if _, err := cg.Create(); err != nil {
		t.Fatal(err)
	}
	k.takeLog()
	if _, err := cg.Enter(); err == nil {
		t.Fatal("Enter() with no way back = nil error")
	}
	checkLog(t, "Enter", k.takeLog())
	if err := cg.Place(42); err != nil {
		t.Fatalf("Place() = %v", err)
	}
	var place []string
	for _, c := range v1Hierarchies {
		place = append(place, "write "+c+"/sandbox/web-1/cgroup.procs 42")
	}
	checkLog(t, "Place", k.takeLog(), place...)
}

// TestCgroupV1EnterStuck checks that a thread that entered part of the
// leaf and cannot come back is reported as stuck, and one that can come
// back is not.
func TestCgroupV1EnterStuck(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fails []string // files whose writes fail
		stuck bool
	}{
		{"enter fails, back works", []string{"memory/sandbox/web-1/tasks"}, false},
		{"enter fails, back fails", []string{"memory/sandbox/web-1/tasks", "cpu/launcher.slice/tasks"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := newV1Kernel(t)
			ops := k.ops()
			write := ops.write
			ops.write = func(path, value string) error {
				for _, f := range tc.fails {
					if k.rel(path) == f {
						return errors.New("refused")
					}
				}
				return write(path, value)
			}
			cg, _ := newCgroup(NewCgroupConfig(ProbeCgroups(k.root), testLimits, true), "sandbox/web-1", ops)
			if _, err := cg.Create(); err != nil {
				t.Fatal(err)
			}
			_, err := cg.Enter()
			if err == nil {
				t.Fatal("Enter() = nil error")
			}
			if errors.Is(err, ErrThreadStuck) != tc.stuck {
				t.Errorf("Enter() = %v; stuck %v, want %v", err, errors.Is(err, ErrThreadStuck), tc.stuck)
			}
		})
	}
}
