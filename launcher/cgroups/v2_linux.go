package cgroups

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hclsandbox/sandbox/internal/await"
	"golang.org/x/sys/unix"
)

// cgroupV2 is a leaf in the unified hierarchy.
type cgroupV2 struct {
	cfg  *CgroupConfig
	leaf string
	ops  cgroupOps
}

func (c *cgroupV2) Path() string { return c.leaf }

func (c *cgroupV2) dir() string { return filepath.Join(c.cfg.Root, c.leaf) }

// Create enables the controllers in the root's and the parent's
// cgroup.subtree_control, makes the leaf, performs the writes and attaches
// the device allowlist: all before the child is cloned into the leaf.
func (c *cgroupV2) Create() ([]string, error) {
	if err := c.enableRoot(); err != nil {
		return nil, err
	}
	if err := mkdirLeaf(c.ops, c.dir(), c.enable); err != nil {
		return nil, err
	}
	var warnings []string
	for _, w := range c.cfg.Writes {
		warn, err := applyWrite(c.ops, c.cfg, c.dir(), w)
		if err != nil {
			return warnings, err
		}
		if warn != "" {
			warnings = append(warnings, warn)
		}
	}
	if len(c.cfg.Devices) == 0 || c.cfg.Faults != nil && c.cfg.Faults.NoDevices {
		return warnings, nil
	}
	err := c.ops.filterDevices(c.dir(), c.cfg.Devices)
	if err != nil && !c.cfg.Strict {
		return append(warnings, fmt.Sprintf("%s not enforced: %v", deviceAllowlist, err)), nil
	}
	return warnings, err
}

// enable turns on, in dir's cgroup.subtree_control, each controller that is
// not on yet, one at a time so that a failure names the controller.
func (c *cgroupV2) enable(dir string) error {
	path := filepath.Join(dir, "cgroup.subtree_control")
	b, err := readFile(path)
	if err != nil {
		return fmt.Errorf("enable cgroup controllers: %w", err)
	}
	on := strings.Fields(string(b))
	for _, ctrl := range c.cfg.Controllers {
		if slices.Contains(on, ctrl) || c.cfg.Faults != nil && ctrl == c.cfg.Faults.LeaveOff {
			continue
		}
		if err := c.ops.write(path, "+"+ctrl); err != nil {
			return err
		}
	}
	return nil
}

func (c *cgroupV2) OpenDir() (int, error) {
	fd, err := unix.Open(c.dir(), unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, &os.PathError{Op: "open cgroup", Path: c.dir(), Err: err}
	}
	return fd, nil
}

// Enter does nothing: a v2 child is cloned into its leaf by
// CLONE_INTO_CGROUP.
func (c *cgroupV2) Enter() (func() error, error) { return func() error { return nil }, nil }

// Place does nothing: a v2 child is cloned into its leaf.
func (c *cgroupV2) Place(int) error { return nil }

// Kill writes cgroup.kill (Linux 5.14+), or SIGKILLs every member on older
// kernels, then waits until the leaf is empty, or until ctx ends.
func (c *cgroupV2) Kill(ctx context.Context) error {
	procs := filepath.Join(c.dir(), "cgroup.procs")
	// Watched before the kill: no change of cgroup.events is missed.
	w := await.New(ctx)
	defer w.Release()
	watched := w.Watch(filepath.Join(c.dir(), "cgroup.events"))
	err := c.ops.write(filepath.Join(c.dir(), "cgroup.kill"), "1")
	if errors.Is(err, os.ErrNotExist) {
		return killUntilEmpty(ctx, c.ops, procs)
	}
	if err != nil {
		return err
	}
	empty, err := awaitEmpty(ctx, w, watched, procs, time.Now().Add(10*time.Second))
	if empty || err != nil {
		return err
	}
	return killUntilEmpty(ctx, c.ops, procs)
}

// awaitEmpty waits until procs lists no process, until deadline or until
// ctx ends. It wakes when cgroup.events changes, which the kernel does
// when the leaf's populated value does; when w could not watch it
// (watched is false), it looks every 5ms.
func awaitEmpty(ctx context.Context, w *await.Waiter, watched bool, procs string, deadline time.Time) (bool, error) {
	for {
		if pids, err := readPids(procs); err != nil || len(pids) == 0 {
			return err == nil, err
		}
		if err := ctx.Err(); err != nil {
			return false, fmt.Errorf("kill cgroup %s: %w", filepath.Dir(procs), err)
		}
		if time.Now().After(deadline) {
			return false, nil
		}
		next := deadline
		if soon := time.Now().Add(5 * time.Millisecond); !watched && soon.Before(deadline) {
			next = soon
		}
		w.Wait(next)
	}
}

func (c *cgroupV2) Stats() CgroupStats {
	var s CgroupStats
	s.OOMKills, _ = readKeyed(filepath.Join(c.dir(), "memory.events"), "oom_kill")
	s.PeakMemory = readNumber(filepath.Join(c.dir(), "memory.peak"))
	usec, _ := readKeyed(filepath.Join(c.dir(), "cpu.stat"), "usage_usec")
	s.CPUTime = time.Duration(usec) * time.Microsecond
	return s
}

// Remove removes the leaf, retrying while the kernel still holds it.
func (c *cgroupV2) Remove(ctx context.Context) error { return removeLeaf(ctx, c.ops, c.dir()) }
