package state

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/hclsandbox/sandbox/internal/await"
	"github.com/hclsandbox/sandbox/internal/proc"
	"github.com/hclsandbox/sandbox/launcher/cgroups"
	"github.com/hclsandbox/sandbox/launcher/network"

	"golang.org/x/sys/unix"
)

// selfStart is this process's start time, read once: it never changes,
// and a batch claims a name for each sandbox.
var selfStart = sync.OnceValue(func() uint64 { return proc.StartTime(os.Getpid()) })

// errLocked means another live process holds a name's lock.
var errLocked = errors.New("locked")

// Claim is a name locked by this process for the sandbox it supervises.
// The lock is held until Release, or until this process dies, when the
// kernel drops it: a lock that can be taken means a dead supervisor.
type Claim struct {
	mu    sync.Mutex
	state Dir
	dir   string
	lock  *os.File
	rec   Record
	// released is set by Release: a late note must not write the record
	// again.
	released bool
	// spare is the cgroup made for the next run (MakeSpare), held under
	// spareMu, which MakeSpare holds while it makes one.
	spareMu sync.Mutex
	spare   *Spare
}

// Claim locks r's name for a sandbox this process is about to run, cleans
// up whatever a dead supervisor left under the name, and writes r as the
// first record, with its start and this process as its supervisor. A
// name whose sandbox runs is refused with ErrRunning and left alone. The
// wait for a lock that a finishing supervisor still holds, and the
// cleanup, end with ctx.
func (d Dir) Claim(ctx context.Context, r Record) (*Claim, error) {
	dir, err := d.Dir(r.Name)
	if err != nil {
		return nil, err
	}
	lock, err := d.lock(ctx, r.Name, time.Second)
	if errors.Is(err, errLocked) {
		return nil, d.runningError(r.Name)
	}
	if err != nil {
		return nil, err
	}
	r.Started, r.Supervisor, r.SupervisorStart = time.Now(), os.Getpid(), selfStart()
	c := &Claim{state: d, dir: dir, lock: lock, rec: r}
	if _, err := cleanDir(ctx, c.dir, r.Name, false); err != nil {
		lock.Close()
		return nil, err
	}
	if err := c.rec.write(c.dir); err != nil {
		lock.Close()
		return nil, err
	}
	return c, nil
}

// runningError describes the live sandbox that holds name.
func (d Dir) runningError(name string) error {
	r, err := d.Read(name)
	if err != nil {
		return fmt.Errorf("sandbox %s is %w (its record is being written)", name, ErrRunning)
	}
	return fmt.Errorf("sandbox %s is %w: pid %d, supervisor pid %d, since %s; stop it first",
		name, ErrRunning, r.Pid, r.Supervisor, r.Started.Format(time.RFC3339))
}

// lock takes the exclusive lock of name, creating its directory. While
// another process holds it, it tries again for up to wait unless the
// holder is a live supervisor; then it fails with errLocked. It tries
// again when the name's directory changes (the holder closing the lock,
// or removing its record), not on a timer, and gives up with an error
// wrapping ctx.Err() once ctx ends.
func (d Dir) lock(ctx context.Context, name string, wait time.Duration) (*os.File, error) {
	dir, err := d.Dir(name)
	if err != nil {
		return nil, err
	}
	if err := d.check(true); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(wait)
	var w *await.Waiter
	for {
		f, err := tryLock(dir)
		if !errors.Is(err, errLocked) {
			return f, err
		}
		if cerr := ctx.Err(); cerr != nil {
			return nil, fmt.Errorf("lock %s: %w", name, cerr)
		}
		if time.Now().After(deadline) {
			return nil, err
		}
		if r, rerr := d.Read(name); rerr == nil && r.Live() {
			return nil, err
		}
		if w == nil {
			// Watched, then tried again: a release in between is not missed.
			w = await.New(ctx)
			defer w.Release()
			w.Watch(dir)
			continue
		}
		w.Wait(deadline)
	}
}

// tryLock takes dir's lock file without waiting. A lock taken on a file
// that a releasing supervisor unlinked meanwhile is dropped and retried.
func tryLock(dir string) (*os.File, error) {
	for {
		// MkdirAll: the project's directory goes when its last sandbox
		// does, which may be now.
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("create state dir %s: %w", dir, err)
		}
		path := filepath.Join(dir, lockFile)
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, fmt.Errorf("open lock %s: %w", path, err)
		}
		if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
			f.Close()
			if errors.Is(err, unix.EWOULDBLOCK) {
				return nil, errLocked
			}
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if sameFile(f, path) {
			return f, nil
		}
		f.Close()
	}
}

// sameFile reports whether path still names the open file f.
func sameFile(f *os.File, path string) bool {
	var a, b unix.Stat_t
	if unix.Fstat(int(f.Fd()), &a) != nil || unix.Stat(path, &b) != nil {
		return false
	}
	return a.Dev == b.Dev && a.Ino == b.Ino
}

// update changes the record under the claim's lock and writes it.
func (c *Claim) update(change func(r *Record)) error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.released {
		return nil
	}
	change(&c.rec)
	return c.rec.write(c.dir)
}

// Dir is the claimed sandbox's state directory.
func (c *Claim) Dir() string { return c.dir }

// Root is the directory of the claim's project (Dir.Home): networks of
// the same name in two projects are two networks.
func (c *Claim) Root() string { return c.state.Home() }

// SharedRoot is the state root of every project, where what the
// projects share is kept apart (network.SubnetsDir).
func (c *Claim) SharedRoot() string { return c.state.Root }

// Project is the project the claim is in, or "".
func (c *Claim) Project() string {
	if c == nil {
		return ""
	}
	return c.state.Project
}

// NoteNet records the sandbox's network wiring, each step before it is
// made (network.Attach's note).
func (c *Claim) NoteNet(rec *network.Record) error {
	return c.update(func(r *Record) { r.Net = rec })
}

// Release removes the record, then the lock, and unlocks the name. A
// detached sandbox's log stays until the name is claimed again or gc.
func (c *Claim) Release() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	c.released = true
	c.mu.Unlock()
	// Before the record that names it goes.
	errs := []error{c.removeSpare()}
	for _, f := range []string{recordFile, recordTmpFile, ExecSocket, ExecSocketNext, lockFile} {
		if err := os.Remove(filepath.Join(c.dir, f)); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, fmt.Errorf("remove state %s: %w", f, err))
		}
	}
	syscall.Rmdir(c.dir) // fails while logs are kept: fine
	if c.rec.Net != nil {
		network.RemoveState(c.state.Home())
	}
	c.state.removeHome()
	errs = append(errs, c.lock.Close())
	return errors.Join(errs...)
}

// NoteCgroup records cg before it is made.
// A spare that becomes the run's cgroup (TakeSpare) is no longer a spare.
func (c *Claim) NoteCgroup(cg cgroups.Cgroup) error {
	ref := cgroups.RefOf(cg)
	return c.update(func(r *Record) {
		r.Cgroup, r.CgroupDirs = &ref, ref.Dirs()
		if r.SpareCgroup != nil && r.SpareCgroup.Leaf == ref.Leaf {
			r.SpareCgroup = nil
		}
	})
}

// Cgroup is the sandbox's cgroup as NoteCgroup recorded it, or nil.
func (c *Claim) Cgroup() *cgroups.CgroupRef {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rec.Cgroup
}

// NotePid records the sandbox's first process.
func (c *Claim) NotePid(pid int) error {
	return c.update(func(r *Record) { r.Pid, r.PidStart = pid, proc.StartTime(pid) })
}

// NoteRunning records that the target runs: setup is over, so the
// sandbox may be signalled.
func (c *Claim) NoteRunning() {
	c.update(func(r *Record) { r.Running = true })
}

// NoteHealth records the state of the sandbox's health check.
func (c *Claim) NoteHealth(health string) error {
	return c.update(func(r *Record) { r.Health = health })
}

// NoteMount records a host mount point made for the sandbox, before it is
// made, so that gc detaches it if the launcher dies before it can.
func (c *Claim) NoteMount(target string) error {
	return c.update(func(r *Record) { r.Mounts = append(r.Mounts, target) })
}
