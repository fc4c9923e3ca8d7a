package state

import (
	"context"
	"errors"

	"github.com/hclsandbox/sandbox/launcher/cgroups"
)

// Spare is a cgroup made for the next run of a claimed name while the
// current run goes on (up --watch), so that a relaunch need not wait for
// one to be made: Key says which configuration it was made for, and
// Warnings are what making it said. Child, when set, is the next run's
// child, started in the cgroup and waiting for its spec.
type Spare struct {
	Cgroup   cgroups.Cgroup
	Key      string
	Warnings []string
	Child    SpareChild
}

// SpareChild is a process started in a spare cgroup ahead of the run it
// is for. Discard ends it and frees what it holds; the cgroup's removal
// would kill it too, but not reap it.
type SpareChild interface {
	Discard() error
}

// MakeSpare makes cg, the claim's spare cgroup for the configuration key
// names, unless it has one: the record names it before it is made (gc
// removes it after a supervisor that died, and kills what runs in it),
// and a spare that could not be made is removed again and forgotten, or
// left in the record for the next cleanup where it cannot be removed.
// Then child, unless nil, starts the spare's process in it; a child that
// fails to start leaves the spare without one. TakeSpare and Release wait
// for both.
func (c *Claim) MakeSpare(key string, cg cgroups.Cgroup, child func(cgroups.Cgroup) (SpareChild, error)) error {
	if c == nil {
		return nil
	}
	c.spareMu.Lock()
	defer c.spareMu.Unlock()
	if c.spare != nil || c.isReleased() {
		return nil
	}
	ref := cgroups.RefOf(cg)
	if err := c.update(func(r *Record) { r.SpareCgroup = &ref }); err != nil {
		return err
	}
	w, err := cg.Create()
	if err != nil {
		if rerr := cg.Remove(context.Background()); rerr != nil {
			return errors.Join(err, rerr)
		}
		return errors.Join(err, c.forgetSpare(ref))
	}
	c.spare = &Spare{Cgroup: cg, Key: key, Warnings: w}
	if child == nil {
		return nil
	}
	c.spare.Child, err = child(cg)
	return err
}

// TakeSpare hands the claim's spare over to the run about to start (nil:
// it has none); the run's NoteCgroup records it as the run's own. A
// spare still being made is waited for.
func (c *Claim) TakeSpare() *Spare {
	if c == nil {
		return nil
	}
	c.spareMu.Lock()
	defer c.spareMu.Unlock()
	s := c.spare
	c.spare = nil
	return s
}

// DropSpare removes a spare that TakeSpare handed over and that no run
// will use (made for another configuration), then forgets it; one that
// could not be removed stays in the record, for the next cleanup.
func (c *Claim) DropSpare(s *Spare) error {
	if err := s.discardChild(); err != nil {
		return err
	}
	if err := s.Cgroup.Remove(context.Background()); err != nil {
		return err
	}
	return c.forgetSpare(cgroups.RefOf(s.Cgroup))
}

// forgetSpare takes the spare ref out of the record, once it is gone.
func (c *Claim) forgetSpare(ref cgroups.CgroupRef) error {
	return c.update(func(r *Record) {
		if r.SpareCgroup != nil && r.SpareCgroup.Leaf == ref.Leaf {
			r.SpareCgroup = nil
		}
	})
}

// removeSpare removes the claim's spare, if it has one, for Release.
func (c *Claim) removeSpare() error {
	c.spareMu.Lock()
	defer c.spareMu.Unlock()
	if c.spare == nil {
		return nil
	}
	err := errors.Join(c.spare.discardChild(), c.spare.Cgroup.Remove(context.Background()))
	c.spare = nil
	return err
}

// discardChild ends the spare's child, if it has one.
func (s *Spare) discardChild() error {
	if s.Child == nil {
		return nil
	}
	err := s.Child.Discard()
	s.Child = nil
	return err
}

// isReleased reports whether Release has begun.
func (c *Claim) isReleased() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.released
}
