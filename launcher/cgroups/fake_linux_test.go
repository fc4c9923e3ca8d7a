package cgroups

import (
	"context"
	"os"
	"path/filepath"
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
	if err := cg.Kill(context.Background()); err != nil {
		t.Errorf("Kill() = %v", err)
	}
	checkLog(t, "Enter and Kill", k.takeLog(), "write sandbox/web-1/cgroup.kill 1")
	want := CgroupStats{OOMKills: 1, PeakMemory: 1234, CPUTime: 2500000000}
	if got := cg.Stats(); got != want {
		t.Errorf("Stats() = %+v, want %+v", got, want)
	}
	if err := cg.Remove(context.Background()); err != nil {
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
	if err := cg.Kill(context.Background()); err != nil {
		t.Errorf("Kill() = %v", err)
	}
	checkLog(t, "Kill", k.takeLog(), "write freezer/sandbox/web-1/freezer.state FROZEN", "kill 42",
		"write freezer/sandbox/web-1/freezer.state THAWED")
	want := CgroupStats{OOMKills: 2, PeakMemory: 4096, CPUTime: 1500000000}
	if got := cg.Stats(); got != want {
		t.Errorf("Stats() = %+v, want %+v", got, want)
	}
	if err := cg.Remove(context.Background()); err != nil {
		t.Errorf("Remove() = %v", err)
	}
	var rm []string
	for i := len(v1Hierarchies) - 1; i >= 0; i-- {
		rm = append(rm, "rmdir "+v1Hierarchies[i]+"/sandbox/web-1", "rmdir "+v1Hierarchies[i]+"/sandbox")
	}
	checkLog(t, "Remove", k.takeLog(), rm...)
}
