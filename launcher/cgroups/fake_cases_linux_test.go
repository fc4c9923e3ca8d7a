package cgroups

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

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
		if err := cg.Remove(context.Background()); err != nil {
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
	cg.Remove(context.Background())
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
	if err := a.Remove(context.Background()); err != nil {
		t.Errorf("Remove() = %v", err)
	}
	checkLog(t, "first Remove", k.takeLog(), "rmdir pids/sandbox/a-1")
	if err := b.Remove(context.Background()); err != nil {
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
