package cgroups

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// delegatedKernel is a fake v2 tree in which the subtree "user/d" is
// delegated and holds processes 100 and 200: a pid written into a
// cgroup.procs leaves the one it was in, and a cgroup with processes
// refuses controllers for its children (EBUSY), as the kernel does. fork
// adds a process to the delegated root the first time controllers are
// enabled there, as a process of the subtree forking at that moment would.
func delegatedKernel(t *testing.T, fork bool) (*fakeKernel, cgroupOps, string) {
	k := newFakeKernel(t, map[string]string{
		"cgroup.procs": "", "cgroup.subtree_control": "", "cgroup.kill": "",
		"cgroup.controllers": "cpu memory pids", "memory.max": "max", "memory.swap.max": "max",
		"pids.max": "max", "memory.events": "oom_kill 0\n", "memory.current": "4096",
	})
	for _, f := range []string{"cgroup.controllers", "user/cgroup.controllers", "user/d/cgroup.controllers"} {
		k.write(filepath.Join(k.root, f), "cpu memory pids")
	}
	for _, f := range []string{"user/cgroup.subtree_control", "user/d/cgroup.subtree_control"} {
		k.write(filepath.Join(k.root, f), "")
	}
	root := filepath.Join(k.root, "user/d")
	k.write(filepath.Join(root, "cgroup.procs"), "100\n200\n")
	ops := k.ops()
	write := ops.write
	ops.write = func(path, value string) error {
		switch filepath.Base(path) {
		case "cgroup.procs":
			movePid(k, value)
			old, _ := os.ReadFile(path)
			value = strings.TrimSpace(string(old) + "\n" + value)
		case "cgroup.subtree_control":
			if pids, _ := readPids(filepath.Join(filepath.Dir(path), "cgroup.procs")); len(pids) > 0 {
				return &os.PathError{Op: "write", Path: path, Err: syscall.EBUSY}
			}
			if fork && filepath.Dir(path) == root {
				fork = false
				k.write(filepath.Join(root, "cgroup.procs"), "300\n")
				return &os.PathError{Op: "write", Path: path, Err: syscall.EBUSY}
			}
		}
		return write(path, value)
	}
	return k, ops, root
}

// movePid removes pid from every cgroup.procs of the fake tree, before
// the write adds it to its new one.
func movePid(k *fakeKernel, pid string) {
	filepath.Walk(k.root, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.Name() != "cgroup.procs" {
			return nil
		}
		pids := strings.Fields(k.read(k.rel(p)))
		if i := slices.Index(pids, pid); i >= 0 {
			k.write(p, strings.Join(slices.Delete(pids, i, i+1), "\n"))
		}
		return nil
	})
}

// Without root, the sandbox's cgroup is made in the delegated subtree:
// its processes move to init/ first, then controllers are enabled in the
// subtree and in its sandbox/, and no device program is attached.
func TestCgroupV2Delegated(t *testing.T) {
	for _, fork := range []bool{false, true} {
		k, ops, root := delegatedKernel(t, fork)
		self := "0::/user/d\n"
		host := probeDelegated(k.root, self, func(string) bool { return true })
		if host.Version != 2 || host.Root != root || !host.Delegated || strings.Join(host.Controllers, " ") != "cpu memory pids" {
			t.Fatalf("probeDelegated() = %+v, want v2 delegated at %s with cpu memory pids", host, root)
		}
		cfg := NewCgroupConfig(host, CgroupLimits{Memory: 64 << 20, Pids: 64}, true)
		if len(cfg.Devices) != 0 || len(cfg.Missing) != 0 {
			t.Errorf("config = %+v, want no device allowlist and nothing missing", cfg)
		}
		cg, _ := newCgroup(cfg, "sandbox/web-1", ops)
		if _, err := cg.Create(); err != nil {
			t.Fatalf("fork=%v: Create() = %v\n%s", fork, err, k.takeLog())
		}
		if got := strings.Fields(k.read("user/d/init/cgroup.procs")); len(got) != 2+btoi(fork) {
			t.Errorf("fork=%v: init/cgroup.procs = %v, want every process of the subtree", fork, got)
		}
		for _, dir := range []string{"user/d", "user/d/sandbox"} {
			if got := k.read(dir + "/cgroup.subtree_control"); got != "memory pids" && got != "cpu memory pids" {
				t.Errorf("%s/cgroup.subtree_control = %q, want the controllers on", dir, got)
			}
		}
		if log := k.takeLog(); strings.Contains(log, "attach") || !strings.Contains(log, "write user/d/sandbox/web-1/pids.max 64") {
			t.Errorf("fork=%v: Create did:\n%s\nwant pids.max written and no device program", fork, log)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// A processes list that never empties is an error, not an endless loop.
func TestCgroupV2DelegatedBusy(t *testing.T) {
	k, ops, root := delegatedKernel(t, false)
	write := ops.write
	ops.write = func(path, value string) error {
		err := write(path, value)
		if filepath.Base(path) == "cgroup.procs" {
			k.write(filepath.Join(root, "cgroup.procs"), "400\n") // a fork each time
		}
		return err
	}
	host := probeDelegated(k.root, "0::/user/d\n", func(string) bool { return true })
	cg, _ := newCgroup(NewCgroupConfig(host, CgroupLimits{Pids: 64}, true), "sandbox/web-1", ops)
	if _, err := cg.Create(); err == nil || !strings.Contains(err.Error(), "keep arriving") {
		t.Errorf("Create() = %v, want an error that the processes keep arriving", err)
	}
}

// Which cgroup a launcher without root may use, and why not.
func TestProbeDelegated(t *testing.T) {
	k, _, root := delegatedKernel(t, false)
	os.Mkdir(filepath.Join(root, EvacuatedLeaf), 0o755)
	all := func(string) bool { return true }
	for _, tc := range []struct {
		name, self string
		canWrite   func(string) bool
		root, why  string
	}{
		{"own cgroup", "0::/user/d\n", all, root, ""},
		{"moved to init by an earlier launcher", "0::/user/d/init\n", all, root, ""},
		{"init of a subtree not ours", "0::/user/d/init\n", func(p string) bool { return strings.Contains(p, "/init") }, filepath.Join(root, "init"), ""},
		{"not writable", "0::/user/d\n", func(p string) bool { return !strings.HasSuffix(p, "subtree_control") }, "", "no cgroup v2 subtree is delegated to uid"},
		{"no v2 line", "1:name=systemd:/\n", all, "", "not in /proc/self/cgroup"},
	} {
		h := probeDelegated(k.root, tc.self, tc.canWrite)
		if h.Root != tc.root || !strings.Contains(h.Unusable, tc.why) || (tc.why == "") != (h.Version == 2) {
			t.Errorf("%s: probeDelegated() = %+v, want root %q, unusable %q", tc.name, h, tc.root, tc.why)
		}
	}
	v1 := t.TempDir()
	os.MkdirAll(filepath.Join(v1, "memory"), 0o755)
	os.WriteFile(filepath.Join(v1, "memory", "cgroup.procs"), nil, 0o644)
	if h := probeDelegated(v1, "0::/\n", all); h.Version != 0 || h.Unusable != "cgroup v1 cannot be delegated to a user without root" {
		t.Errorf("v1: probeDelegated() = %+v, want unusable: v1 cannot be delegated", h)
	}
}
