package cgroups

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// RefOf returns the reference of cg, which need not exist yet.
func RefOf(cg Cgroup) CgroupRef {
	switch c := cg.(type) {
	case *cgroupV1:
		return CgroupRef{Version: 1, Root: c.cfg.Root, Controllers: c.cfg.Controllers, Leaf: c.leaf}
	case *cgroupV2:
		return CgroupRef{Version: 2, Root: c.cfg.Root, Controllers: c.cfg.Controllers, Leaf: c.leaf}
	}
	return CgroupRef{}
}

// OpenCgroup returns the existing cgroup r names, or nil when none of its
// directories exists any more. Only leaves under CgroupParent are opened,
// so a damaged record cannot point it at any other cgroup.
func OpenCgroup(r CgroupRef) (Cgroup, error) {
	leaf := filepath.Clean(r.Leaf)
	if !strings.HasPrefix(leaf, CgroupParent+"/") || strings.Contains(leaf[len(CgroupParent)+1:], "/") {
		return nil, fmt.Errorf("open cgroup %q: not a sandbox cgroup", r.Leaf)
	}
	cfg := &CgroupConfig{Version: r.Version, Root: r.Root, Controllers: r.Controllers}
	switch r.Version {
	case 1:
		c := &cgroupV1{cfg: cfg, leaf: leaf, ops: hostOps}
		seen := map[string]bool{}
		for _, ctrl := range r.Controllers {
			real, err := filepath.EvalSymlinks(c.dir(ctrl))
			if err == nil && !seen[real] {
				seen[real] = true
				c.made = append(c.made, ctrl)
			}
		}
		if len(c.made) == 0 {
			return nil, nil
		}
		return c, nil
	case 2:
		c := &cgroupV2{cfg: cfg, leaf: leaf, ops: hostOpsWith(nil)}
		if _, err := os.Stat(c.dir()); err != nil {
			return nil, nil
		}
		return c, nil
	}
	return nil, fmt.Errorf("open cgroup %s: version %d unknown", r.Leaf, r.Version)
}

// MemoryNow is the memory the cgroup uses now, in bytes; ok is false
// when the host does not count it or it cannot be read.
func MemoryNow(cg Cgroup) (bytes uint64, ok bool) {
	switch c := cg.(type) {
	case *cgroupV1:
		return readNumberOK(filepath.Join(c.dir("memory"), "memory.usage_in_bytes"))
	case *cgroupV2:
		return readNumberOK(filepath.Join(c.dir(), "memory.current"))
	}
	return 0, false
}

// CPUNow is the CPU time the cgroup's processes have used so far; ok is
// false when the host does not count it or it cannot be read.
func CPUNow(cg Cgroup) (cpu time.Duration, ok bool) {
	switch c := cg.(type) {
	case *cgroupV1:
		ns, ok := readNumberOK(filepath.Join(c.dir("cpuacct"), "cpuacct.usage"))
		return time.Duration(ns), ok
	case *cgroupV2:
		usec, ok := readKeyed(filepath.Join(c.dir(), "cpu.stat"), "usage_usec")
		return time.Duration(usec) * time.Microsecond, ok
	}
	return 0, false
}
