package image

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hclsandbox/sandbox/launcher/rootfs"
)

// Entry is one image of the store, as `sandbox images` lists it.
type Entry struct {
	ID string `json:"id"`
	// Sources are the image attributes it was resolved from, with the
	// digest each named.
	Sources []SourceEntry `json:"sources"`
	Layers  int           `json:"layers"`
	// Size is the bytes of its layers' tar streams.
	Size int64 `json:"size_bytes"`
	// UsedBy are the configuration files that pulled or ran it; Pinned
	// those whose lock file pins it.
	UsedBy []string `json:"used_by,omitempty"`
	Pinned []string `json:"pinned_by,omitempty"`
	// InUse is set while a launcher runs a sandbox of it.
	InUse  bool      `json:"in_use"`
	Pulled time.Time `json:"pulled"`
}

// SourceEntry is one source of an image.
type SourceEntry struct {
	Source string `json:"source"`
	Digest string `json:"digest"`
}

// List returns the images of the store, newest pull first.
func (s *Store) List() ([]Entry, error) {
	rs, err := s.records()
	if err != nil {
		return nil, err
	}
	out := make([]Entry, 0, len(rs))
	for _, r := range rs {
		e := Entry{ID: r.ID, Layers: len(r.DiffIDs), UsedBy: r.UsedBy, Pinned: pinnedBy(r), InUse: s.inUse(r.ID), Pulled: r.Pulled}
		for _, n := range r.Sizes {
			e.Size += n
		}
		for src, sr := range r.Sources {
			e.Sources = append(e.Sources, SourceEntry{Source: src, Digest: sr.Digest})
		}
		sort.Slice(e.Sources, func(i, j int) bool { return e.Sources[i].Source < e.Sources[j].Source })
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Pulled.After(out[j].Pulled) })
	return out, nil
}

// inUse reports whether a launcher holds a lease on image id.
func (s *Store) inUse(id string) bool {
	f, busy, err := tryExclusive(s.leasePath(id))
	if f != nil {
		f.Close()
	}
	return busy || err != nil
}

// pinnedBy lists the configuration files of r whose lock file pins r.
func pinnedBy(r *record) []string {
	var out []string
	for _, file := range r.UsedBy {
		lock, err := rootfs.ReadLock(rootfs.LockPath(file))
		if err != nil {
			continue
		}
		for _, e := range lock.Entries {
			if e.Image != "" && (e.Digest == r.ID || slices.Contains(r.Digests, e.Digest) || slices.Contains(r.Digests, e.Platform)) {
				out = append(out, lock.Path)
				break
			}
		}
	}
	return out
}

// PruneReport says what Prune removed, or would remove.
type PruneReport struct {
	// Images are the ids of the images removed; Kept those left, pinned
	// by a lock file or in use.
	Images []string `json:"images"`
	Kept   []string `json:"kept"`
	// Layers and Bytes are the layers removed and their size; Leftovers
	// the temporary directories of dead pullers.
	Layers    int   `json:"layers"`
	Bytes     int64 `json:"bytes"`
	Leftovers int   `json:"leftovers"`
}

// Prune removes from the store every image that no lock file of the
// configurations that used it pins and no running sandbox uses, the
// layers no image left needs, and what dead pullers left. dryRun removes
// nothing and reports what it would.
func (s *Store) Prune(dryRun bool) (*PruneReport, error) {
	rs, err := s.records()
	if err != nil {
		return nil, err
	}
	rep := &PruneReport{}
	keepLayers := map[string]bool{}
	for _, r := range rs {
		if len(pinnedBy(r)) > 0 || !s.removeImage(r, dryRun) {
			rep.Kept = append(rep.Kept, r.ID)
			for _, d := range r.DiffIDs {
				keepLayers[s.layerKey(d)] = true
			}
			continue
		}
		rep.Images = append(rep.Images, r.ID)
	}
	s.pruneLayers(keepLayers, dryRun, rep)
	s.pruneLeftovers(dryRun, rep)
	return rep, nil
}

// removeImage removes r's record unless a launcher holds its lease; the
// lease's lock is held meanwhile so that no sandbox takes it.
func (s *Store) removeImage(r *record, dryRun bool) bool {
	f, busy, err := tryExclusive(s.leasePath(r.ID))
	if busy || err != nil {
		return false
	}
	defer f.Close()
	if !dryRun {
		os.Remove(s.recordPath(r.ID))
	}
	return true
}

// pruneLayers removes the layers whose key is not kept, each under its
// lock, so that none a puller is making goes.
func (s *Store) pruneLayers(keep map[string]bool, dryRun bool, rep *PruneReport) {
	entries, _ := os.ReadDir(s.layersDir())
	for _, e := range entries {
		if keep[e.Name()] || !strings.HasPrefix(e.Name(), "sha256-") {
			continue
		}
		f, busy, err := tryExclusive(s.lockPath("layer-" + e.Name()))
		if busy || err != nil {
			continue
		}
		dir := filepath.Join(s.layersDir(), e.Name())
		rep.Layers++
		rep.Bytes += treeSize(dir)
		if !dryRun {
			s.removeTree(dir)
		}
		f.Close()
	}
}

// pruneLeftovers removes the temporary directories whose layer no live
// puller holds.
func (s *Store) pruneLeftovers(dryRun bool, rep *PruneReport) {
	entries, _ := os.ReadDir(s.tmpDir())
	for _, e := range entries {
		key, _, ok := cutLast(e.Name(), "-")
		if !ok || !strings.HasPrefix(key, "sha256-") {
			continue
		}
		f, busy, err := tryExclusive(s.lockPath("layer-" + key))
		if busy || err != nil {
			continue
		}
		rep.Leftovers++
		if !dryRun {
			s.removeTree(filepath.Join(s.tmpDir(), e.Name()))
		}
		f.Close()
	}
}

func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}
