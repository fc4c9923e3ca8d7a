package image

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/hclsandbox/sandbox/config"
)

// Pin is what a lock file records of an image: see Image.Digest and
// Image.Platform.
type Pin struct {
	Digest, Platform string
}

// Request asks the store for the image of one sandbox.
type Request struct {
	Source *config.ImageSource
	// Pin is the lock file's pin, nil when the image is not pinned.
	Pin *Pin
	// Update takes the image a moved tag names now instead of refusing it.
	Update bool
	// UsedBy is the configuration file that asks, kept for `images` and prune.
	UsedBy string
	// LockFile names the lock file that holds Pin, for messages.
	LockFile string
	// Check reads the source even when the store holds the image: to
	// refuse a pinned tag that moved (or, unpinned, to take its new
	// image). Without it an image the store holds starts without any
	// network, and the source is read only for one it lacks.
	Check bool
}

// Result is an image the store holds whole.
type Result struct {
	*Image
	// Unpacked counts the layers this call unpacked.
	Unpacked int
	// Offline is set when the source could not be reached and the store's
	// copy of the pinned (or last resolved) image is used.
	Offline error
	// Moved is set when Update took a new digest for a pinned source.
	Moved bool
}

// MovedError is a pinned source that names another image now.
type MovedError struct {
	Source, LockFile string
	Pinned, Current  string
}

func (e *MovedError) Error() string {
	return fmt.Sprintf("image %s moved: %s pins %s, the source now names %s; run with --update-lock to take it",
		e.Source, e.LockFile, e.Pinned, e.Current)
}

// Get returns the image req names, pulling what the store lacks. The
// pinned image (or, unpinned, the one the source resolved to last) runs
// from the store as it is unless req.Check or req.Update; otherwise the
// source is read, and a pinned source that names another digest now is
// refused with a MovedError unless req.Update. A pinned image whose
// source cannot be reached runs from the store.
func (s *Store) Get(ctx context.Context, req Request) (*Result, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	src := req.Source.String()
	if !req.Check && !req.Update {
		if img, r := s.stored(src, req.Pin); img != nil {
			return &Result{Image: img}, s.note(r, src, img, req.UsedBy)
		}
	}
	cur, err := s.current(ctx, req.Source)
	if err != nil {
		return s.offline(req, err)
	}
	if req.Pin != nil {
		if cur != req.Pin.Digest && !req.Update {
			return nil, &MovedError{Source: src, LockFile: req.LockFile, Pinned: req.Pin.Digest, Current: cur}
		}
	}
	res := &Result{Moved: req.Pin != nil && cur != req.Pin.Digest}
	if img, r := s.storedAt(src, cur, req.Pin, res.Moved); img != nil {
		res.Image = img
		return res, s.note(r, src, img, req.UsedBy)
	}
	digest := ""
	if req.Source.Transport == config.ImageRegistry {
		digest = cur // what HEAD saw, whatever the tag says a moment later
	}
	rv, err := s.resolve(ctx, req.Source, digest)
	if err != nil {
		return nil, err
	}
	res.Image, res.Unpacked, err = s.pull(ctx, src, rv, req.UsedBy)
	return res, err
}

// storedAt returns the image the store holds for src at digest cur, or nil.
func (s *Store) storedAt(src, cur string, pin *Pin, moved bool) (*Image, *record) {
	if pin != nil && !moved {
		r, err := s.byDigest(pinKey(pin))
		if err != nil || !s.complete(r) {
			return nil, nil
		}
		return s.image(r, src, sourceRecord{Digest: pin.Digest, Platform: pin.Platform}), r
	}
	r, err := s.byDigest(cur)
	if err != nil || !s.complete(r) {
		return nil, nil
	}
	sr, ok := r.Sources[src]
	if !ok || sr.Digest != cur {
		return nil, nil // which platform the digest's index gives is not known here
	}
	return s.image(r, src, sr), r
}

// pinKey is the digest under which the store finds a pinned image.
func pinKey(p *Pin) string {
	if p.Platform != "" {
		return p.Platform
	}
	return p.Digest
}

// offline serves req from the store when its source cannot be read:
// the pinned image, or the one the source resolved to last.
func (s *Store) offline(req Request, cause error) (*Result, error) {
	src := req.Source.String()
	if req.Pin != nil {
		r, err := s.byDigest(pinKey(req.Pin))
		if err != nil || !s.complete(r) {
			return nil, fmt.Errorf("image %s: %w; the pinned %s is not in the store", src, cause, req.Pin.Digest)
		}
		img := s.image(r, src, sourceRecord{Digest: req.Pin.Digest, Platform: req.Pin.Platform})
		return &Result{Image: img, Offline: cause}, s.note(r, src, img, req.UsedBy)
	}
	r, sr, err := s.bySource(src)
	if err != nil || !s.complete(r) {
		return nil, fmt.Errorf("image %s: %w", src, cause)
	}
	img := s.image(r, src, sr)
	return &Result{Image: img, Offline: cause}, s.note(r, src, img, req.UsedBy)
}

// note records that src resolved to img and that usedBy uses it.
func (s *Store) note(r *record, src string, img *Image, usedBy string) error {
	sr, ok := r.Sources[src]
	if ok && sr.Digest == img.Digest && (usedBy == "" || slices.Contains(r.UsedBy, usedBy)) {
		return nil // nothing new: a start writes nothing
	}
	return s.update(r.ID, func(r *record) {
		r.addSource(src, img, usedBy)
	})
}

// update changes an image's record under its lock.
func (s *Store) update(id string, change func(*record)) error {
	lock, err := flock(context.Background(), s.lockPath("image-"+strings.TrimPrefix(id, "sha256:")), true)
	if err != nil {
		return err
	}
	defer lock.Close()
	r, err := s.readRecord(id)
	if errors.Is(err, os.ErrNotExist) {
		r, err = &record{ID: id, Sources: map[string]sourceRecord{}}, nil
	}
	if err != nil {
		return err
	}
	change(r)
	return s.writeRecord(r)
}

func (r *record) addSource(src string, img *Image, usedBy string) {
	if r.Sources == nil {
		r.Sources = map[string]sourceRecord{}
	}
	r.Sources[src] = sourceRecord{Digest: img.Digest, Platform: img.Platform, Resolved: time.Now()}
	for _, d := range []string{img.Digest, img.Platform} {
		if d != "" && d != r.ID && !slices.Contains(r.Digests, d) {
			r.Digests = append(r.Digests, d)
		}
	}
	if usedBy != "" && !slices.Contains(r.UsedBy, usedBy) {
		r.UsedBy = append(r.UsedBy, usedBy)
	}
}

func (s *Store) lockPath(name string) string { return s.locksDir() + "/" + name + ".lock" }

// Lease takes a shared lock on the image id for as long as the returned
// file stays open: prune leaves the image alone meanwhile. The launcher
// that runs a sandbox of the image holds it until it exits.
func (s *Store) Lease(id string) (*os.File, error) {
	return flock(context.Background(), s.leasePath(id), false)
}

func (s *Store) leasePath(id string) string { return s.lockPath("use-" + id[len("sha256:"):]) }

// Stored returns the image the store holds for src without reading src:
// the pinned one, or the one src resolved to last; nil when it has none.
func (s *Store) Stored(src *config.ImageSource, pin *Pin) *Image {
	img, _ := s.stored(src.String(), pin)
	return img
}

// stored is the pinned image, or the one src resolved to last, when the
// store holds it whole.
func (s *Store) stored(src string, pin *Pin) (*Image, *record) {
	if pin != nil {
		return s.storedAt(src, pin.Digest, pin, false)
	}
	r, sr, err := s.bySource(src)
	if err != nil || !s.complete(r) {
		return nil, nil
	}
	return s.image(r, src, sr), r
}

// Resolve returns what a lock file pins for src now: its manifest (or
// index) digest and the host platform's manifest digest. It reads
// manifests only, and no store.
func Resolve(ctx context.Context, src *config.ImageSource) (Pin, error) {
	rv, err := (&Store{}).resolve(ctx, src, "")
	if err != nil {
		return Pin{}, err
	}
	return Pin{Digest: rv.digest, Platform: rv.platform}, nil
}
