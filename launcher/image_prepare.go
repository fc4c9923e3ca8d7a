package launcher

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher/image"
	"github.com/hclsandbox/sandbox/launcher/rootfs"
)

// prepareImage gets a sandbox's image from the store, pulling what it
// lacks, against the pin of the lock file next to its configuration, and
// takes a lease on it for as long as the launcher runs.
func prepareImage(ctx context.Context, s *config.Sandbox, o PrepareOptions) (*PreparedRootfs, error) {
	lock, err := rootfs.ReadLock(rootfs.LockPath(s.File))
	if err != nil {
		return nil, err
	}
	src := s.Image.String()
	entry, locked := lock.Entries[s.Name]
	var pin *image.Pin
	switch {
	case locked && entry.Image == src:
		pin = &image.Pin{Digest: entry.Digest, Platform: entry.Platform}
	case locked && !o.UpdateLock:
		pinned := entry.Image
		if pinned == "" {
			pinned = "the rootfs " + entry.Rootfs
		}
		return nil, fmt.Errorf("%s pins %s for %s, but the configuration names image %s; run with --update-lock to take it",
			lock.Path, pinned, s.Name, src)
	}
	store := NewImageStore(o.Home)
	store.Progress, store.Terminal = o.Progress, o.Terminal
	file, _ := filepath.Abs(s.File)
	res, err := store.Get(ctx, image.Request{Source: s.Image, Pin: pin, Update: o.UpdateLock,
		Check: o.CheckImages, UsedBy: file, LockFile: lock.Path})
	if err != nil {
		return nil, err
	}
	if o.UpdateLock && (entry.Image != src || entry.Digest != res.Digest || entry.Platform != res.Platform) {
		lock.SetImage(s.Name, src, res.Digest, res.Platform)
		if err := lock.Write(); err != nil {
			return nil, err
		}
	}
	lease, err := store.Lease(res.ID)
	if err != nil {
		return nil, err
	}
	return &PreparedRootfs{Image: res.Image, Lease: lease, Unpacked: res.Unpacked > 0, Offline: res.Offline}, nil
}

// StoredImage is the image the store holds for s, found without reading
// its source: the lock file's pin, or what the source resolved to last;
// nil when the store lacks it. `sandbox plan` shows it.
func StoredImage(s *config.Sandbox, home string) *image.Image {
	if s.Image == nil {
		return nil
	}
	var pin *image.Pin
	if lock, err := rootfs.ReadLock(rootfs.LockPath(s.File)); err == nil {
		if e, ok := lock.Entries[s.Name]; ok && e.Image == s.Image.String() {
			pin = &image.Pin{Digest: e.Digest, Platform: e.Platform}
		}
	}
	return NewImageStore(home).Stored(s.Image, pin)
}

// lockImage records the digests s.Image names now in lock.
func lockImage(ctx context.Context, s *config.Sandbox, lock *rootfs.Lock) error {
	pin, err := image.Resolve(ctx, s.Image)
	if err != nil {
		return fmt.Errorf("%s: %w", s.Name, err)
	}
	lock.SetImage(s.Name, s.Image.String(), pin.Digest, pin.Platform)
	return nil
}
