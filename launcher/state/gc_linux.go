package state

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hclsandbox/sandbox/internal/proc"
	"github.com/hclsandbox/sandbox/launcher/cgroups"
	"github.com/hclsandbox/sandbox/launcher/network"

	"golang.org/x/sys/unix"
)

// GCReport counts what a gc removed.
type GCReport struct {
	// Records are the state directories removed.
	Records int `json:"records"`
	// Cgroups are the cgroups removed, Mounts the host mounts detached.
	Cgroups int `json:"cgroups"`
	Mounts  int `json:"mounts"`
	// Killed is set per record whose first process was still alive.
	Killed int `json:"killed"`
	// Live are the names skipped because their supervisor runs.
	Live []string `json:"live,omitempty"`
}

// GC cleans up after every sandbox whose supervisor is gone: it kills what
// is left in its cgroup, detaches its host mounts, removes the cgroup and
// then the record. Names held by a live supervisor are left alone. Once
// ctx ends it stops; a record whose cleanup it cut short is kept, so that
// the next gc finishes it.
func (d Dir) GC(ctx context.Context) (GCReport, error) {
	var rep GCReport
	names, err := d.Names()
	if err != nil {
		return rep, err
	}
	var errs []error
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			errs = append(errs, fmt.Errorf("gc: %w", err))
			break
		}
		lock, err := d.lock(ctx, name, 0)
		if errors.Is(err, errLocked) {
			rep.Live = append(rep.Live, name)
			continue
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n, err := d.clean(ctx, name, true)
		rep.add(n)
		if err == nil {
			rep.Records++
		}
		errs = append(errs, err, lock.Close())
	}
	return rep, errors.Join(errs...)
}

func (r *GCReport) add(o GCReport) {
	r.Cgroups += o.Cgroups
	r.Mounts += o.Mounts
	r.Killed += o.Killed
}

// clean is cleanDir for the state directory of name.
func (d Dir) clean(ctx context.Context, name string, all bool) (GCReport, error) {
	dir, err := d.Dir(name)
	if err != nil {
		return GCReport{}, err
	}
	return cleanDir(ctx, dir, name, all)
}

// cleanDir cleans up after the record in dir, the state directory of
// name, whose lock the caller holds, and empties dir but for the lock;
// with all, the lock and dir go too. A record whose cleanup failed is
// kept, so that a later gc can retry.
func cleanDir(ctx context.Context, dir, name string, all bool) (GCReport, error) {
	var rep GCReport
	r, err := readRecord(dir, name)
	if err == nil {
		if rep, err = cleanRecord(ctx, r); err != nil {
			return rep, err
		}
	}
	// A missing record names nothing to clean up; an undecodable one
	// cannot, since records are replaced atomically; one that names
	// another sandbox is not to be believed.
	return rep, removeState(dir, all)
}

// cleanRecord kills what is left of the record's sandbox, detaches its
// host mounts and removes its cgroups: the run's, and the spare made for
// its next run (Claim.MakeSpare). The first process is signalled only
// while its start time matches the record; everything else is reached
// through the cgroups, which only the sandbox's processes can be in.
func cleanRecord(ctx context.Context, r *Record) (GCReport, error) {
	var rep GCReport
	if proc.SameProcess(r.Pid, r.PidStart) && unix.Kill(r.Pid, unix.SIGKILL) == nil {
		rep.Killed++
	}
	var cgs []cgroups.Cgroup
	var errs []error
	for _, ref := range []*cgroups.CgroupRef{r.Cgroup, r.SpareCgroup} {
		if ref == nil {
			continue
		}
		cg, err := cgroups.OpenCgroup(*ref)
		if err != nil {
			errs = append(errs, err)
		} else if cg != nil {
			errs = append(errs, cg.Kill(ctx))
			cgs = append(cgs, cg)
		}
	}
	for _, m := range r.Mounts {
		err := unix.Unmount(m, unix.MNT_DETACH)
		if err == nil {
			rep.Mounts++
		} else if err != unix.EINVAL && err != unix.ENOENT {
			errs = append(errs, fmt.Errorf("unmount %s: %w", m, err))
		}
	}
	if r.Net != nil {
		errs = append(errs, network.Release(r.Name, r.Net))
	}
	for _, cg := range cgs {
		if err := cg.Remove(ctx); err != nil {
			errs = append(errs, err)
		} else {
			rep.Cgroups++
		}
	}
	return rep, errors.Join(errs...)
}

// removeState removes everything in dir but the lock; with all, the lock
// and dir too.
func removeState(dir string, all bool) error {
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("clean state dir %s: %w", dir, err)
	}
	for _, e := range entries {
		if e.Name() == lockFile && !all {
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return fmt.Errorf("clean state dir %s: %w", dir, err)
		}
	}
	if all {
		if err := os.Remove(dir); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove state dir %s: %w", dir, err)
		}
	}
	return nil
}

// GCAll is GC in every project of d's root; each project's directory
// goes once nothing is left in it.
func (d Dir) GCAll(ctx context.Context) (GCReport, error) {
	scopes, err := d.Scopes()
	var total GCReport
	errs := []error{err}
	for _, s := range scopes {
		rep, err := s.GC(ctx)
		total.add(rep)
		total.Records += rep.Records
		total.Live = append(total.Live, rep.Live...)
		errs = append(errs, err)
		s.Tidy()
	}
	return total, errors.Join(errs...)
}
