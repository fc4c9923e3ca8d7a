package launcher

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher/image"
	"github.com/hclsandbox/sandbox/launcher/rootfs"
)

// PrepareOptions say where unpacked tarballs go and how the lock file is used.
type PrepareOptions struct {
	// Home is the launcher's state directory, normally rootfs.Home().
	Home string
	// Progress receives a progress bar while a tarball unpacks; nil is quiet.
	Progress io.Writer
	// UpdateLock records the current digest in the lock file instead of
	// refusing a rootfs that does not match it, or an image whose tag moved.
	UpdateLock bool
	// Terminal says that Progress is a terminal (an image pull then
	// redraws a line per layer).
	Terminal bool
	// CheckImages reads each image's source even when the store holds the
	// image, as `sandbox pull` does: a pinned tag that moved is refused,
	// an unpinned one pulled again. Without it a stored image starts
	// without any network.
	CheckImages bool
}

// PreparedRootfs is a root filesystem ready for the child.
type PreparedRootfs struct {
	// Dir is the directory to use as the rootfs; "" for the host view.
	Dir string
	// Digest is the rootfs's sha256 when it was computed, else "".
	Digest string
	// Unpacked is set when a tarball or an image layer was unpacked by
	// this call, and Devices then says what became of a tarball's device
	// nodes.
	Unpacked bool
	Devices  rootfs.DeviceCount
	// OwnersLost is set when a tarball was unpacked by an unprivileged
	// launcher without subordinate ranges: every file is the caller's.
	OwnersLost bool
	// Image is the image of an image sandbox, held by Lease until the
	// launcher exits; nil for any other.
	Image *image.Image
	Lease io.Closer
	// Offline is why an image's source could not be read, when the store's
	// pinned copy is used instead.
	Offline error
}

// MismatchError is a rootfs whose digest is not the pinned one.
type MismatchError struct {
	// Rootfs is the rootfs path; PinnedIn names the file that pins it.
	Rootfs, PinnedIn string
	// Expected and Actual are hex sha256 digests.
	Expected, Actual string
	// Changed are the paths that differ from the tree that had Expected,
	// added and removed ones included, when the launcher's index of it
	// knows; else nil.
	Changed []string
}

func (e *MismatchError) Error() string {
	msg := fmt.Sprintf("rootfs %s does not match %s: expected sha256 %s, got %s", e.Rootfs, e.PinnedIn, e.Expected, e.Actual)
	if n := len(e.Changed); n > 0 {
		shown := e.Changed[:min(n, 5)]
		msg += "; changed since: " + strings.Join(shown, ", ")
		if n > len(shown) {
			msg += fmt.Sprintf(" and %d more", n-len(shown))
		}
	}
	return msg
}

// PrepareRootfs verifies a sandbox's rootfs against its sha256 and the lock
// file next to its configuration, unpacks a tarball into the cache, and
// creates a persistent rootfs's state directory. It runs in the launcher,
// before the child starts; ctx ends an unpack or a pull early, leaving
// nothing behind.
func PrepareRootfs(ctx context.Context, s *config.Sandbox, o PrepareOptions) (*PreparedRootfs, error) {
	if s.Image != nil {
		return prepareImage(ctx, s, o)
	}
	if s.Rootfs == "" {
		return &PreparedRootfs{}, nil
	}
	info, err := os.Stat(s.Rootfs)
	if err != nil {
		return nil, fmt.Errorf("rootfs: %w", err)
	}
	p := &PreparedRootfs{Dir: s.Rootfs}
	if info.IsDir() {
		if p.Dir, err = resolveRootfsDir(s); err != nil {
			return nil, err
		}
	}
	if p.Digest, err = verifyRootfs(s, !info.IsDir(), o.UpdateLock, o.Home); err != nil {
		return nil, err
	}
	if !info.IsDir() {
		c := rootfs.NewCache(o.Home)
		c.Progress = o.Progress
		c.IDs = unpackIDs(s)
		p.OwnersLost = c.IDs == nil && os.Geteuid() != 0
		e, err := c.Ensure(ctx, s.Rootfs, p.Digest, s.RootfsOptions.Devices)
		if err != nil {
			return nil, err
		}
		p.Dir, p.Unpacked, p.Devices = e.Dir, e.Unpacked, e.Devices
	}
	if s.RootfsOptions.Mode == config.RootfsPersistent {
		if err := makeRootfsState(s.RootfsOptions.StateDir, configAuthor(s)); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// verifyRootfs checks the rootfs against the sha256 of its configuration
// and its lock file entry, and returns its digest. The digest is computed
// only when something needs it: a pin, a lock entry, a lock update, or a
// tarball (whose cache entry it names). A directory is hashed through its
// index under home: only files whose stat data changed are read again.
func verifyRootfs(s *config.Sandbox, tarball, update bool, home string) (string, error) {
	lock, err := rootfs.ReadLock(rootfs.LockPath(s.File))
	if err != nil {
		return "", err
	}
	entry, locked := lock.Entries[s.Name]
	if !tarball && !locked && !update && s.RootfsOptions.SHA256 == "" {
		return "", nil
	}
	if tarball {
		digest, err := rootfs.FileDigest(s.Rootfs)
		if err != nil {
			return "", err
		}
		return digest, settle(s, lock, entry, locked, update, digest, nil)
	}
	idx := treeIndex{path: rootfs.IndexPath(home, s.Rootfs)}
	digest, err := idx.digest(s.Rootfs)
	if err != nil {
		return "", err
	}
	if err := settle(s, lock, entry, locked, update, digest, &idx); err != nil {
		return "", err
	}
	idx.save()
	return digest, nil
}

// settle checks digest against the pin and the lock entry, or records it
// when update says so; a mismatch names what changed when idx knows.
func settle(s *config.Sandbox, lock *rootfs.Lock, entry rootfs.LockEntry, locked, update bool, digest string, idx *treeIndex) error {
	if err := checkPin(s, digest); err != nil {
		idx.explain(err)
		return err
	}
	switch {
	case update && (!locked || entry.SHA256 != digest):
		lock.Set(s.Name, s.Rootfs, digest)
		return lock.Write()
	case locked && entry.SHA256 != digest:
		err := &MismatchError{Rootfs: s.Rootfs, PinnedIn: lock.Path, Expected: entry.SHA256, Actual: digest}
		idx.explain(err)
		return err
	}
	return nil
}

// treeIndex is the index of a rootfs directory across one verification:
// what was kept, and what the walk saw now.
type treeIndex struct {
	path      string
	prev, now *rootfs.Index
}

func (t *treeIndex) digest(dir string) (string, error) {
	t.prev = rootfs.ReadIndex(t.path)
	var err error
	if t.now, err = rootfs.IndexTree(dir, t.prev); err != nil {
		return "", err
	}
	return t.now.Digest, nil
}

// explain names, in a mismatch, the paths that differ from the tree the
// kept index describes when that tree had the expected digest; and keeps
// the index as it is, so that the next refusal names them too.
func (t *treeIndex) explain(err error) {
	var m *MismatchError
	if t == nil || !errors.As(err, &m) {
		return
	}
	if t.prev != nil && t.prev.Digest == m.Expected {
		m.Changed = t.prev.Changed(t.now)
	}
	t.now = nil
}

// save keeps the index of what was verified, when the walk learned
// something; a failure to keep it costs the next start a full hash only.
func (t *treeIndex) save() {
	if t.now == nil || !t.now.Learned(t.prev) {
		return
	}
	t.now.Write(t.path)
}

// checkPin compares digest with the sha256 set in the configuration, if any.
func checkPin(s *config.Sandbox, digest string) error {
	pin := s.RootfsOptions.SHA256
	if pin == "" || pin == digest {
		return nil
	}
	r := s.Range("rootfs.sha256")
	return &MismatchError{Rootfs: s.Rootfs, PinnedIn: fmt.Sprintf("the sha256 at %s:%d", r.Filename, r.Start.Line),
		Expected: pin, Actual: digest}
}

// fullDigest hashes a rootfs whole, without trusting an index, and keeps
// the index of a directory for the starts that follow.
func fullDigest(p string) (string, error) {
	info, err := os.Stat(p)
	if err != nil {
		return "", fmt.Errorf("digest rootfs: %w", err)
	}
	if !info.IsDir() {
		return rootfs.FileDigest(p)
	}
	ix, err := rootfs.IndexTree(p, nil)
	if err != nil {
		return "", err
	}
	ix.Write(rootfs.IndexPath(rootfs.Home(), p))
	return ix.Digest, nil
}

// VerifyLocks hashes every locked rootfs directory or tarball whole, as
// `sandbox lock --verify` does, and returns one error per sandbox whose
// rootfs no longer matches its lock entry; the mismatch names the paths
// that changed when an index of the locked tree is kept.
func VerifyLocks(sbs []*config.Sandbox) []error {
	var errs []error
	for _, s := range sbs {
		if s.Rootfs == "" {
			continue
		}
		lock, err := rootfs.ReadLock(rootfs.LockPath(s.File))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		entry, locked := lock.Entries[s.Name]
		if !locked || entry.SHA256 == "" {
			continue
		}
		if err := verifyLocked(s, lock.Path, entry.SHA256); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", s.Name, err))
		}
	}
	return errs
}

// verifyLocked hashes s's rootfs whole and compares it with want.
func verifyLocked(s *config.Sandbox, lockPath, want string) error {
	info, err := os.Stat(s.Rootfs)
	if err != nil {
		return fmt.Errorf("rootfs: %w", err)
	}
	if !info.IsDir() {
		got, err := rootfs.FileDigest(s.Rootfs)
		if err == nil && got != want {
			err = &MismatchError{Rootfs: s.Rootfs, PinnedIn: lockPath, Expected: want, Actual: got}
		}
		return err
	}
	idx := treeIndex{path: rootfs.IndexPath(rootfs.Home(), s.Rootfs), prev: rootfs.ReadIndex(rootfs.IndexPath(rootfs.Home(), s.Rootfs))}
	if idx.now, err = rootfs.IndexTree(s.Rootfs, nil); err != nil {
		return err
	}
	if idx.now.Digest != want {
		m := &MismatchError{Rootfs: s.Rootfs, PinnedIn: lockPath, Expected: want, Actual: idx.now.Digest}
		idx.explain(m)
		return m
	}
	idx.save()
	return nil
}

// LockRootfs records the rootfs digest of every sandbox that has one, and
// what the image of every image sandbox resolves to now, in the lock file
// next to its configuration, and returns the lock files written.
// A digest that differs from the sandbox's own sha256 is an error.
func LockRootfs(ctx context.Context, sbs []*config.Sandbox) ([]string, error) {
	var written []string
	locks := map[string]*rootfs.Lock{}
	for _, s := range sbs {
		if s.Rootfs == "" && s.Image == nil {
			continue
		}
		path := rootfs.LockPath(s.File)
		if locks[path] == nil {
			l, err := rootfs.ReadLock(path)
			if err != nil {
				return nil, err
			}
			locks[path] = l
			written = append(written, path)
		}
		if s.Image != nil {
			if err := lockImage(ctx, s, locks[path]); err != nil {
				return nil, err
			}
			continue
		}
		digest, err := fullDigest(s.Rootfs)
		if err != nil {
			return nil, err
		}
		if err := checkPin(s, digest); err != nil {
			return nil, err
		}
		locks[path].Set(s.Name, s.Rootfs, digest)
	}
	for _, path := range written {
		if err := locks[path].Write(); err != nil {
			return nil, err
		}
	}
	return written, nil
}
