package cgroups

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Cgroup is a sandbox's own leaf cgroup on the host, made by the launcher
// before the child runs and removed after the sandbox ends.
type Cgroup interface {
	// Create makes the leaf, enables what it needs and performs every
	// write. With Strict unset, a write that fails is a returned warning.
	Create() (warnings []string, err error)
	// OpenDir opens the v2 leaf for CLONE_INTO_CGROUP; v1 returns -1.
	OpenDir() (int, error)
	// Enter moves the calling thread, which must stay locked to its
	// goroutine, into the v1 leaf and returns how to move it back: what
	// the thread clones meanwhile is born in the leaf, as a v2 clone with
	// CLONE_INTO_CGROUP is. It fails, having moved nothing, when the
	// thread's own cgroups cannot be found to come back to. v2 does
	// nothing.
	Enter() (leave func() error, err error)
	// Place moves a started process into the v1 leaf: the slow way, for
	// when Enter cannot be used. v2 does nothing.
	Place(pid int) error
	// Kill kills every process left in the leaf and waits until it is
	// empty, or until ctx ends, when it returns an error wrapping
	// ctx.Err(). Cleanup that must finish passes a context that never
	// ends.
	Kill(ctx context.Context) error
	// Stats reads the leaf's counters; a figure the host lacks is zero.
	Stats() CgroupStats
	// Remove removes the leaf, retrying while the kernel still holds it,
	// until ctx ends.
	Remove(ctx context.Context) error
	// Path is the leaf relative to each hierarchy's root, "sandbox/web-1a2b3c4d".
	Path() string
}

// CgroupStats are a sandbox's figures read from its cgroup.
type CgroupStats struct {
	// OOMKills counts processes of the cgroup killed by the OOM killer.
	OOMKills uint64
	// PeakMemory is the highest memory use in bytes.
	PeakMemory uint64
	// CPUTime is the user and system CPU time of every process.
	CPUTime time.Duration
}

// cgroupOps are the operations on a cgroup tree that a plain directory
// cannot mimic; tests replace them to fake the kernel in a temp dir.
type cgroupOps struct {
	write func(path, value string) error
	mkdir func(dir string) error
	rmdir func(dir string) error
	kill  func(pid int) error
	// threadCgroups reads /proc/thread-self/cgroup.
	threadCgroups func() ([]byte, error)
	// filterDevices attaches the device allowlist to the v2 cgroup dir.
	filterDevices func(dir string, rules []DeviceRule) error
}

var hostOps = cgroupOps{
	write: writeFile,
	mkdir: func(dir string) error { return os.Mkdir(dir, 0o755) },
	rmdir: unix.Rmdir,
	kill:  func(pid int) error { return unix.Kill(pid, unix.SIGKILL) },
	threadCgroups: func() ([]byte, error) {
		return os.ReadFile("/proc/thread-self/cgroup")
	},
}

// DeviceFilter attaches a device allowlist to the v2 cgroup whose
// directory is open as dirFd, for as long as the cgroup exists, whatever
// becomes of the caller. launcher/cgroups/devfilter has the one to use;
// it is passed in, not imported, as devfilter reads this package's
// DeviceRule, and so that tests can fake it.
type DeviceFilter func(dirFd int, rules []DeviceRule) error

// NewCgroup returns the cgroup of a new sandbox called name, at a fresh leaf
// "sandbox/<name>-<random id>"; nothing is made until Create. On v2, Create
// sets the device allowlist with filter.
func NewCgroup(c *CgroupConfig, name string, filter DeviceFilter) (Cgroup, error) {
	// getrandom(2) itself: crypto/rand would link Go's whole crypto module
	// into the sandbox child, which shares this package.
	id := make([]byte, 4)
	if _, err := unix.Getrandom(id, 0); err != nil {
		return nil, fmt.Errorf("make cgroup id: %w", err)
	}
	dir := CgroupParent
	if c.Parent != "" {
		dir += "/" + c.Parent
	}
	return newCgroup(c, dir+"/"+name+"-"+hex.EncodeToString(id), hostOpsWith(filter))
}

// NewParentCgroup returns the cgroup "sandbox/<name>" that holds the leaves
// of a batch (CgroupConfig.Parent) and caps them together; nothing is made
// until Create. On v2, Create sets the device allowlist with filter.
func NewParentCgroup(c *CgroupConfig, name string, filter DeviceFilter) (Cgroup, error) {
	return newCgroup(c, CgroupParent+"/"+name, hostOpsWith(filter))
}

// hostOpsWith is hostOps that attaches device allowlists with filter.
func hostOpsWith(filter DeviceFilter) cgroupOps {
	ops := hostOps
	ops.filterDevices = func(dir string, rules []DeviceRule) error {
		if filter == nil {
			return fmt.Errorf("attach device allowlist to %s: no device filter given", dir)
		}
		// Not O_PATH: the kernel takes a cgroup for BPF_PROG_ATTACH only
		// from an fd opened for reading.
		fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("attach device allowlist: %w", &os.PathError{Op: "open", Path: dir, Err: err})
		}
		defer unix.Close(fd)
		if err := filter(fd, rules); err != nil {
			return fmt.Errorf("attach device allowlist to %s: %w", dir, err)
		}
		return nil
	}
	return ops
}

func newCgroup(c *CgroupConfig, leaf string, ops cgroupOps) (Cgroup, error) {
	switch c.Version {
	case 1:
		return &cgroupV1{cfg: c, leaf: leaf, ops: ops}, nil
	case 2:
		return &cgroupV2{cfg: c, leaf: leaf, ops: ops}, nil
	}
	return nil, fmt.Errorf("cgroup version %d: %w", c.Version, errors.ErrUnsupported)
}

// writeFile writes value to an existing cgroup file. Cgroup files are
// opened, written and read with plain syscalls: os.OpenFile would also
// register each with the runtime's poller (kernfs files can be polled),
// four more syscalls for each of the twenty or so files of a start.
func writeFile(path, value string) error {
	fd, err := unix.Open(path, unix.O_WRONLY|unix.O_TRUNC|unix.O_CLOEXEC, 0)
	if err == nil {
		_, err = unix.Write(fd, []byte(value))
		if cerr := unix.Close(fd); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fmt.Errorf("write %q to %s: %w", value, path, err)
	}
	return nil
}

// readFile reads a cgroup file whole, as os.ReadFile does.
func readFile(path string) ([]byte, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer unix.Close(fd)
	var out []byte
	buf := make([]byte, 4096)
	for {
		n, err := unix.Read(fd, buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "read", Path: path, Err: err}
		}
		if n == 0 {
			return out, nil
		}
		out = append(out, buf[:n]...)
	}
}

// mkdirLeaf makes the leaf dir and, unless it exists, its parent, calling
// prepare on the parent each time. Another launcher removes the parent
// when its own sandbox ends and the parent is empty, so a leaf that cannot
// be made for want of its parent is tried again.
func mkdirLeaf(ops cgroupOps, dir string, prepare func(parent string) error) error {
	parent := filepath.Dir(dir)
	var err error
	for range 5 {
		if err = ops.mkdir(parent); err != nil && !errors.Is(err, os.ErrExist) {
			return fmt.Errorf("create cgroup %s: %w", parent, err)
		}
		if err = prepare(parent); err != nil {
			return err
		}
		if err = ops.mkdir(dir); !errors.Is(err, os.ErrNotExist) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("create cgroup %s: %w", dir, err)
	}
	return nil
}

// removeLeaf removes the leaf dir, then the sandbox/ parent if no other
// sandbox uses it any more. A batch's parent cgroup is left to the batch,
// which removes it when its last sandbox ended.
func removeLeaf(ctx context.Context, ops cgroupOps, dir string) error {
	if err := removeDir(ctx, ops, dir); err != nil {
		return err
	}
	if parent := filepath.Dir(dir); filepath.Base(parent) == CgroupParent {
		ops.rmdir(parent) // fails while other sandboxes run: fine
	}
	return nil
}

// applyWrite performs one write into dir. A missing optional file is
// skipped; under strict = false a failure becomes a warning.
func applyWrite(ops cgroupOps, c *CgroupConfig, dir string, w CgroupWrite) (warning string, err error) {
	path := filepath.Join(dir, w.File)
	if w.Optional && !exists(path) {
		return "", nil
	}
	err = ops.write(path, w.Value)
	if err != nil && !c.Strict {
		return fmt.Sprintf("%s not enforced: %v", w.Limit, err), nil
	}
	return "", err
}

// removeDir removes a cgroup directory, retrying while it is busy: the
// kernel may hold a cgroup briefly after its last process died. It gives
// up when ctx ends.
func removeDir(ctx context.Context, ops cgroupOps, dir string) error {
	var err error
	for i := 0; i < 200; i++ {
		err = ops.rmdir(dir)
		if err == nil || errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if !errors.Is(err, syscall.EBUSY) {
			break
		}
		if cerr := sleep(ctx, 10*time.Millisecond); cerr != nil {
			return fmt.Errorf("remove cgroup %s: %w", dir, cerr)
		}
	}
	return fmt.Errorf("remove cgroup %s: %w", dir, err)
}

// readPids reads a cgroup.procs file.
func readPids(path string) ([]int, error) {
	b, err := readFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var pids []int
	for _, f := range strings.Fields(string(b)) {
		if pid, err := strconv.Atoi(f); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids, nil
}

// killUntilEmpty SIGKILLs every pid listed in procs until none is left,
// or until ctx ends.
func killUntilEmpty(ctx context.Context, ops cgroupOps, procs string) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		pids, err := readPids(procs)
		if err != nil || len(pids) == 0 {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("kill cgroup %s: %d processes still alive", filepath.Dir(procs), len(pids))
		}
		for _, pid := range pids {
			if err := ops.kill(pid); err != nil && !errors.Is(err, syscall.ESRCH) {
				return fmt.Errorf("kill pid %d of %s: %w", pid, filepath.Dir(procs), err)
			}
		}
		if err := sleep(ctx, 5*time.Millisecond); err != nil {
			return fmt.Errorf("kill cgroup %s: %w", filepath.Dir(procs), err)
		}
	}
}

// readKeyed reads the value of key in a "key value" per line file.
func readKeyed(path, key string) (uint64, bool) {
	b, err := readFile(path)
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, " "); ok && k == key {
			n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}

// readNumber reads a file that holds one number; 0 when it cannot.
func readNumber(path string) uint64 {
	n, _ := readNumberOK(path)
	return n
}

// readNumberOK reads a file that holds one number; ok is false when it
// cannot.
func readNumberOK(path string) (n uint64, ok bool) {
	b, err := readFile(path)
	if err != nil {
		return 0, false
	}
	n, err = strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	return n, err == nil
}
