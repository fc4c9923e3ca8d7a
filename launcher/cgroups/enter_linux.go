package cgroups

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Enter moves the calling thread into the leaf of every hierarchy by
// writing "0" into its tasks file, and returns how to move it back.
//
// A v1 clone cannot be told where to land, and moving a process once it
// runs takes a system-wide lock whose first use after a quiet moment waits
// for an RCU grace period: 10-20 ms of every start on a small VM. Moving
// the writer's own thread takes only the cgroup mutex, and a process
// cloned by that thread is born in the thread's cgroups, along with every
// thread and process it makes later.
func (c *cgroupV1) Enter() (leave func() error, err error) {
	home, err := c.threadHome()
	if err != nil {
		return nil, err
	}
	back := func(n int) error {
		for _, f := range home[:n] {
			if err := c.ops.write(f, "0"); err != nil {
				return fmt.Errorf("move the launcher's thread back to %s: %w", filepath.Dir(f), err)
			}
		}
		return nil
	}
	for i, ctrl := range c.made {
		if err := c.ops.write(filepath.Join(c.dir(ctrl), "tasks"), "0"); err != nil {
			if berr := back(i); berr != nil {
				return nil, fmt.Errorf("%w: %w", ErrThreadStuck, berr)
			}
			return nil, fmt.Errorf("enter cgroup %s: %w", c.dir(ctrl), err)
		}
	}
	return func() error {
		if err := back(len(c.made)); err != nil {
			return fmt.Errorf("%w: %w", ErrThreadStuck, err)
		}
		return nil
	}, nil
}

// ErrThreadStuck is returned by Enter, or by the function it returns, when
// the thread entered the leaf and could not leave it: the thread must not
// be used again.
var ErrThreadStuck = errors.New("the thread is stuck in the sandbox's cgroup")

// threadHome is the tasks file of the calling thread's own cgroup in each
// hierarchy of the leaf, in the order of c.made.
func (c *cgroupV1) threadHome() ([]string, error) {
	b, err := c.ops.threadCgroups()
	if err != nil {
		return nil, fmt.Errorf("read the launcher's cgroups: %w", err)
	}
	paths := map[string]string{} // controller → cgroup path
	for _, line := range strings.Split(string(b), "\n") {
		fields := strings.SplitN(line, ":", 3)
		if len(fields) != 3 {
			continue
		}
		for _, ctrl := range strings.Split(fields[1], ",") {
			paths[ctrl] = fields[2]
		}
	}
	home := make([]string, 0, len(c.made))
	for _, ctrl := range c.made {
		p, ok := paths[ctrl]
		if !ok {
			return nil, fmt.Errorf("read the launcher's cgroups: no %s hierarchy in /proc/thread-self/cgroup", ctrl)
		}
		f := filepath.Join(c.cfg.Root, ctrl, p, "tasks")
		if _, err := os.Stat(f); err != nil {
			// The hierarchy is mounted from below the thread's cgroup, as in
			// a container that shares the host's cgroup namespace.
			return nil, fmt.Errorf("find the launcher's own cgroup: %w", err)
		}
		home = append(home, f)
	}
	return home, nil
}

// Place writes pid into the leaf's cgroup.procs in every hierarchy.
func (c *cgroupV1) Place(pid int) error {
	for _, ctrl := range c.made {
		if err := c.ops.write(filepath.Join(c.dir(ctrl), "cgroup.procs"), strconv.Itoa(pid)); err != nil {
			return err
		}
	}
	return nil
}
