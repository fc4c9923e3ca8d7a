package cgroups

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// enableRoot enables the controllers in the root's subtree_control. A
// delegated root (CgroupConfig.Delegated) is first emptied of processes,
// which go to its EvacuatedLeaf: cgroup v2 refuses controllers for the
// children of a cgroup, other than the host's root, that has processes of
// its own. A process forked meanwhile into the root makes the kernel say
// EBUSY, and the root is emptied again.
func (c *cgroupV2) enableRoot() error {
	if !c.cfg.Delegated {
		return c.enable(c.cfg.Root)
	}
	var err error
	for range 5 {
		if err = c.evacuate(); err != nil {
			return err
		}
		if err = c.enable(c.cfg.Root); !errors.Is(err, syscall.EBUSY) {
			return err
		}
	}
	return fmt.Errorf("enable controllers in delegated cgroup %s: processes keep arriving: %w", c.cfg.Root, err)
}

// evacuate moves every process of the root into its EvacuatedLeaf,
// made when missing, until the root lists none.
func (c *cgroupV2) evacuate() error {
	leaf := filepath.Join(c.cfg.Root, EvacuatedLeaf)
	if err := c.ops.mkdir(leaf); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("create cgroup %s: %w", leaf, err)
	}
	procs := filepath.Join(c.cfg.Root, "cgroup.procs")
	for range 100 {
		pids, err := readPids(procs)
		if err != nil || len(pids) == 0 {
			return err
		}
		for _, pid := range pids {
			err := c.ops.write(filepath.Join(leaf, "cgroup.procs"), strconv.Itoa(pid))
			if err != nil && !errors.Is(err, syscall.ESRCH) {
				return fmt.Errorf("move pid %d out of delegated cgroup %s: %w", pid, c.cfg.Root, err)
			}
		}
	}
	return fmt.Errorf("move the processes out of delegated cgroup %s: they keep arriving", c.cfg.Root)
}
