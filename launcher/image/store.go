package image

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hclsandbox/sandbox/internal/safepath"
	"github.com/hclsandbox/sandbox/launcher/mapped"
	"github.com/hclsandbox/sandbox/launcher/rootfs"
)

// Store is the image store under a launcher's home directory.
type Store struct {
	// Dir is the store's directory, Home/images.
	Dir string
	// UserXattr writes layers in the form an unprivileged user can: it is
	// set when the store is not root's.
	UserXattr bool
	// Progress, when not nil, receives the progress of each pull: a line
	// per layer redrawn on a terminal, a line per image otherwise.
	Progress io.Writer
	// Terminal says that Progress is a terminal.
	Terminal bool
	// IDs, when set, are the maps of the user namespace an unprivileged
	// launcher unpacks and removes layers in (package mapped), keeping
	// their owners shifted into its subordinate ranges; layers so made
	// are named after them.
	IDs *mapped.Maps
}

// NewStore returns the image store under home ($SANDBOX_HOME).
func NewStore(home string) *Store {
	return &Store{Dir: filepath.Join(home, "images"), UserXattr: os.Geteuid() != 0}
}

func (s *Store) layersDir() string { return filepath.Join(s.Dir, "layers") }
func (s *Store) imagesDir() string { return filepath.Join(s.Dir, "images") }
func (s *Store) locksDir() string  { return filepath.Join(s.Dir, "locks") }
func (s *Store) tmpDir() string    { return filepath.Join(s.Dir, "tmp") }

// layerKey names a layer in the store by its diff id and form.
func (s *Store) layerKey(diffID string) string {
	k := "sha256-" + strings.TrimPrefix(diffID, "sha256:")
	if s.UserXattr {
		k += ".user"
	}
	if s.IDs != nil {
		k += "-ids-" + s.IDs.Key()
	}
	return k
}

// LayerDir is the directory of the unpacked layer with the given diff id.
func (s *Store) LayerDir(diffID string) string {
	return filepath.Join(s.layersDir(), s.layerKey(diffID))
}

func (s *Store) recordPath(id string) string {
	return filepath.Join(s.imagesDir(), "sha256-"+strings.TrimPrefix(id, "sha256:")+".json")
}

// open makes the store's directories, 0700 (a layer holds the image's
// setuid files), checking on the way, before anything is made below it,
// that no one but root (or this user) can change the store or a directory
// above it (internal/safepath).
func (s *Store) open() error {
	d, err := safepath.MkdirAll(s.Dir, 0o700)
	if err != nil {
		return fmt.Errorf("image store: %w", err)
	}
	d.Close()
	for _, d := range []string{s.layersDir(), s.imagesDir(), s.locksDir(), s.tmpDir()} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("create image store: %w", err)
		}
	}
	return nil
}

// record is what the store keeps of one image, by its configuration's
// digest.
type record struct {
	ID string `json:"id"`
	// Digests are the manifest, index or configuration digests that name
	// this image, as lock files pin them.
	Digests []string `json:"digests"`
	// Sources are the image attributes it was resolved from, with the
	// digest each resolved to last.
	Sources map[string]sourceRecord `json:"sources"`
	// DiffIDs are its layers, bottom first; Sizes their unpacked sizes.
	DiffIDs []string `json:"diff_ids"`
	Sizes   []int64  `json:"sizes"`
	Config  Config   `json:"config"`
	// UsedBy are the configuration files that pulled or ran it.
	UsedBy []string  `json:"used_by,omitempty"`
	Pulled time.Time `json:"pulled"`
}

// sourceRecord is the last resolution of one source.
type sourceRecord struct {
	Digest   string    `json:"digest"`
	Platform string    `json:"platform,omitempty"`
	Resolved time.Time `json:"resolved"`
}

func (s *Store) readRecord(id string) (*record, error) {
	b, err := os.ReadFile(s.recordPath(id))
	if err != nil {
		return nil, err
	}
	var r record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("read image record %s: %w", s.recordPath(id), err)
	}
	return &r, nil
}

// writeRecord replaces an image's record atomically.
func (s *Store) writeRecord(r *record) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(s.tmpDir(), "record-*.json")
	if err != nil {
		return fmt.Errorf("write image record: %w", err)
	}
	_, err = tmp.Write(b)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), s.recordPath(r.ID))
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write image record %s: %w", s.recordPath(r.ID), err)
	}
	return nil
}

// records lists every image record of the store.
func (s *Store) records() ([]*record, error) {
	entries, err := os.ReadDir(s.imagesDir())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list images: %w", err)
	}
	var out []*record
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || !strings.HasPrefix(name, "sha256-") {
			continue
		}
		r, err := s.readRecord("sha256:" + strings.TrimPrefix(name, "sha256-"))
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// byDigest finds the image a pinned digest names.
func (s *Store) byDigest(digest string) (*record, error) {
	rs, err := s.records()
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		if r.ID == digest || slices.Contains(r.Digests, digest) {
			return r, nil
		}
	}
	return nil, os.ErrNotExist
}

// bySource finds the image a source resolved to last.
func (s *Store) bySource(src string) (*record, sourceRecord, error) {
	rs, err := s.records()
	if err != nil {
		return nil, sourceRecord{}, err
	}
	var best *record
	var bestSrc sourceRecord
	for _, r := range rs {
		if sr, ok := r.Sources[src]; ok && (best == nil || sr.Resolved.After(bestSrc.Resolved)) {
			best, bestSrc = r, sr
		}
	}
	if best == nil {
		return nil, sourceRecord{}, os.ErrNotExist
	}
	return best, bestSrc, nil
}

// complete reports whether every layer of r is unpacked in the store.
func (s *Store) complete(r *record) bool {
	for _, d := range r.DiffIDs {
		if info, err := os.Lstat(s.LayerDir(d)); err != nil || !info.IsDir() {
			return false
		}
	}
	return true
}

// image is the Image of a complete record, resolved from src to digest.
func (s *Store) image(r *record, src string, sr sourceRecord) *Image {
	img := &Image{Source: src, Digest: sr.Digest, Platform: sr.Platform, ID: r.ID, UserXattr: s.UserXattr, Config: r.Config}
	for _, d := range r.DiffIDs {
		img.Layers = append(img.Layers, s.LayerDir(d))
	}
	img.Layers = dedupLayers(img.Layers)
	return img
}

// removeTree removes a directory tree, first making its directories
// writable (an unprivileged owner cannot empty a read-only directory),
// then in the user namespace of s.IDs what its subordinate ids own.
func (s *Store) removeTree(dir string) {
	rootfs.RemoveTree(s.IDs, dir)
}
