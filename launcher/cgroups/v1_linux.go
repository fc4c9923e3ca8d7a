package cgroups

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// v1Fallbacks name the file a v1 write uses when the host lacks the first
// choice: kernels that schedule with BFQ have only blkio.bfq.weight.
var v1Fallbacks = map[string]string{"blkio.weight": "blkio.bfq.weight"}

// cgroupV1 is a leaf in each of the v1 hierarchies of CgroupConfig.Controllers.
type cgroupV1 struct {
	cfg  *CgroupConfig
	leaf string
	ops  cgroupOps
	made []string // the hierarchies whose leaf this made, in order
}

func (c *cgroupV1) Path() string { return c.leaf }

func (c *cgroupV1) dir(ctrl string) string { return filepath.Join(c.cfg.Root, ctrl, c.leaf) }

// Create makes the leaf in every hierarchy (once for co-mounted ones such
// as cpu,cpuacct), performs the writes and sets the device allowlist.
func (c *cgroupV1) Create() ([]string, error) {
	seen := map[string]bool{}
	for _, ctrl := range c.cfg.Controllers {
		real, err := hierarchyOf(filepath.Join(c.cfg.Root, ctrl))
		if err != nil {
			return nil, fmt.Errorf("find cgroup hierarchy %s: %w", ctrl, err)
		}
		if seen[real] {
			continue
		}
		seen[real] = true
		if err := mkdirLeaf(c.ops, c.dir(ctrl), func(string) error { return nil }); err != nil {
			return nil, err
		}
		c.made = append(c.made, ctrl)
	}
	return c.applyWrites()
}

// applyWrites performs the writes, then those of the device allowlist:
// all before Enter or Place, so the child is under the allowlist from its
// first instruction.
func (c *cgroupV1) applyWrites() ([]string, error) {
	writes := c.cfg.Writes
	if len(c.cfg.Devices) > 0 {
		writes = append(slices.Clip(writes), deviceWritesV1(c.cfg.Devices)...)
	}
	var warnings []string
	for _, w := range writes {
		dir := c.dir(w.Controller)
		if alt, ok := v1Fallbacks[w.File]; ok && !exists(filepath.Join(dir, w.File)) && exists(filepath.Join(dir, alt)) {
			w.File = alt
		}
		warn, err := applyWrite(c.ops, c.cfg, dir, w)
		if err != nil {
			return warnings, err
		}
		if warn != "" {
			warnings = append(warnings, warn)
		}
	}
	return warnings, nil
}

// hierarchies caches hierarchyOf: the hierarchies a host mounts do not
// change while a launcher runs, and a batch makes a leaf in each of them
// for every sandbox.
var hierarchies sync.Map // string -> string

// hierarchyOf is the directory that the controller's directory dir
// resolves to: co-mounted controllers (cpu and cpuacct, links to
// cpu,cpuacct) share one.
func hierarchyOf(dir string) (string, error) {
	if real, ok := hierarchies.Load(dir); ok {
		return real.(string), nil
	}
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return "", err
	}
	hierarchies.Store(dir, real)
	return real, nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func (c *cgroupV1) OpenDir() (int, error) { return -1, nil }

// Kill freezes the leaf so that nothing can fork while the list is read,
// SIGKILLs every member, thaws it so the signals are delivered, and
// repeats until the leaf is empty. Without the freezer it only repeats.
func (c *cgroupV1) Kill(ctx context.Context) error {
	if len(c.made) == 0 {
		return nil
	}
	if !slices.Contains(c.made, "freezer") {
		return killUntilEmpty(ctx, c.ops, filepath.Join(c.dir(c.made[0]), "cgroup.procs"))
	}
	dir := c.dir("freezer")
	// An empty leaf stays empty: nothing in it can fork. The usual case, as
	// the end of a pid namespace's first process ends the rest.
	if pids, err := readPids(filepath.Join(dir, "cgroup.procs")); err == nil && len(pids) == 0 {
		return nil
	}
	if err := c.freeze(ctx, dir); err != nil {
		c.ops.write(filepath.Join(dir, "freezer.state"), "THAWED") // never left frozen
		return err
	}
	pids, err := readPids(filepath.Join(dir, "cgroup.procs"))
	for _, pid := range pids {
		c.ops.kill(pid)
	}
	if terr := c.ops.write(filepath.Join(dir, "freezer.state"), "THAWED"); err == nil {
		err = terr
	}
	if err != nil {
		return err
	}
	return killUntilEmpty(ctx, c.ops, filepath.Join(dir, "cgroup.procs"))
}

// freeze writes FROZEN and waits until the state reads FROZEN, or until
// ctx ends. The v1 freezer tells no one when it is done, so it looks.
func (c *cgroupV1) freeze(ctx context.Context, dir string) error {
	state := filepath.Join(dir, "freezer.state")
	if err := c.ops.write(state, "FROZEN"); err != nil {
		return err
	}
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); {
		if b, err := readFile(state); err != nil || string(b) == "FROZEN\n" || string(b) == "FROZEN" {
			return err
		}
		if err := sleep(ctx, time.Millisecond); err != nil {
			return fmt.Errorf("freeze %s: %w", dir, err)
		}
	}
	return nil // still FREEZING: the kill loop copes
}

func (c *cgroupV1) Stats() CgroupStats {
	var s CgroupStats
	mem := c.dir("memory")
	s.OOMKills, _ = readKeyed(filepath.Join(mem, "memory.oom_control"), "oom_kill")
	s.PeakMemory = readNumber(filepath.Join(mem, "memory.max_usage_in_bytes"))
	s.CPUTime = time.Duration(readNumber(filepath.Join(c.dir("cpuacct"), "cpuacct.usage")))
	return s
}

// Remove removes the leaf from every hierarchy, in the reverse order of
// creation, and reports every failure.
func (c *cgroupV1) Remove(ctx context.Context) error {
	var errs []error
	for i := len(c.made) - 1; i >= 0; i-- {
		errs = append(errs, removeLeaf(ctx, c.ops, c.dir(c.made[i])))
	}
	c.made = nil
	return errors.Join(errs...)
}
