package state

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// idsLockFile, in a state root, serializes id allocations: its holder
// reads the ranges of every record and writes its own before it lets go,
// so that two launchers never hand out the same ids. A range is free
// again once its record is gone: when the sandbox's launcher releases
// the name, or gc removes a dead launcher's record.
const idsLockFile = ".ids.lock"

// AllocateIDs takes n uids and n gids, as asked, that no other record of
// the state directory holds, and records them in the claim's record.
func (c *Claim) AllocateIDs(uids, gids bool, n uint32) (*IDRanges, error) {
	pool, err := c.state.SubIDs.Pool(n)
	if err != nil {
		return nil, err
	}
	lock, err := lockExclusive(filepath.Join(c.state.Root, idsLockFile))
	if err != nil {
		return nil, err
	}
	defer lock.Close()
	usedU, usedG, holders := c.state.usedIDsEverywhere(c.rec.Name)
	var ids IDRanges
	var ok bool
	if uids {
		if ids.UID, ok = freeRange(pool.UIDs, usedU, n); !ok {
			return nil, c.exhausted("uid", pool.UIDs, n, holders)
		}
	}
	if gids {
		if ids.GID, ok = freeRange(pool.GIDs, usedG, n); !ok {
			return nil, c.exhausted("gid", pool.GIDs, n, holders)
		}
	}
	if err := c.update(func(r *Record) { r.IDs = &ids }); err != nil {
		return nil, err
	}
	return &ids, nil
}

// usedIDsEverywhere is usedIDs of every project of d's root: ids are the
// host's, whichever project holds them.
func (d Dir) usedIDsEverywhere(name string) (uids, gids []IDRange, holders int) {
	scopes, _ := d.Scopes()
	for _, s := range scopes {
		skip := ""
		if s.Project == d.Project {
			skip = name
		}
		u, g, n := s.usedIDs(skip)
		uids, gids, holders = append(uids, u...), append(gids, g...), holders+n
	}
	return uids, gids, holders
}

// usedIDs lists the uid and gid ranges that the records of d other than
// name's hold, and how many records hold some.
func (d Dir) usedIDs(name string) (uids, gids []IDRange, holders int) {
	names, _ := d.Names()
	for _, other := range names {
		if other == name {
			continue
		}
		r, err := d.Read(other)
		if err != nil || r.IDs == nil {
			continue // no record: a kept log, or a name being claimed
		}
		holders++
		if r.IDs.UID.Count > 0 {
			uids = append(uids, r.IDs.UID)
		}
		if r.IDs.GID.Count > 0 {
			gids = append(gids, r.IDs.GID)
		}
	}
	return uids, gids, holders
}

func (c *Claim) exhausted(kind string, pool []IDRange, n uint32, holders int) error {
	who := fmt.Sprintf("%d sandboxes of %s hold", holders, c.state.Root)
	if holders == 1 {
		who = fmt.Sprintf("1 sandbox of %s holds", c.state.Root)
	}
	return fmt.Errorf("no %d free %ss left in the subordinate %s ranges of user %s (%v): %s ranges; "+
		"sandbox gc frees those whose launcher is gone, and `usermod --add-sub%ss` adds more",
		n, kind, kind, c.state.SubIDs.user(), pool, who, kind)
}

// lockExclusive opens path, creating it, and waits for its exclusive lock,
// which closing the file releases.
func lockExclusive(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock %s: %w", path, err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return f, nil
}
