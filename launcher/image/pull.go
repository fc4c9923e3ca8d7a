package image

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"runtime"
	"slices"
	"sync/atomic"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"golang.org/x/sync/errgroup"
)

// pull brings the image rv into the store: its configuration, checked
// against its digest, and every layer it lacks, several at once.
func (s *Store) pull(ctx context.Context, src string, rv *resolved, usedBy string) (*Image, int, error) {
	cf, id, err := readConfig(rv)
	if err != nil {
		return nil, 0, fmt.Errorf("image %s: %w", src, err)
	}
	layers, err := s.layerSources(rv, cf)
	if err != nil {
		return nil, 0, fmt.Errorf("image %s: %w", src, err)
	}
	prog := s.newProgress(src, layers)
	var unpacked atomic.Int32
	sizes := make([]int64, len(layers))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, l := range layers {
		g.Go(func() error {
			size, did, err := s.ensureLayer(gctx, l, prog.layer(i))
			sizes[i] = size
			if did {
				unpacked.Add(1)
			}
			return err
		})
	}
	err = g.Wait()
	prog.done(err, int(unpacked.Load()))
	if err != nil {
		return nil, int(unpacked.Load()), fmt.Errorf("image %s: %w", src, err)
	}
	img := &Image{Source: src, Digest: rv.digest, Platform: rv.platform, ID: id, UserXattr: s.UserXattr, Config: configOf(cf)}
	err = s.update(id, func(r *record) {
		r.DiffIDs, r.Sizes, r.Config, r.Pulled = diffIDs(layers), sizes, img.Config, time.Now()
		r.addSource(src, img, usedBy)
	})
	r, rerr := s.readRecord(id)
	if err == nil {
		err = rerr
	}
	if err != nil {
		return nil, int(unpacked.Load()), err
	}
	return s.image(r, src, r.Sources[src]), int(unpacked.Load()), nil
}

// readConfig reads the image's configuration and checks it against the
// digest its manifest gives.
func readConfig(rv *resolved) (*v1.ConfigFile, string, error) {
	raw, err := rv.img.RawConfigFile()
	if err != nil {
		return nil, "", fmt.Errorf("read configuration: %w", err)
	}
	want, err := rv.img.ConfigName()
	if err != nil {
		return nil, "", fmt.Errorf("read configuration: %w", err)
	}
	if got := sha256.Sum256(raw); "sha256:"+hex.EncodeToString(got[:]) != want.String() {
		return nil, "", fmt.Errorf("configuration does not match its digest %s", want)
	}
	cf, err := v1.ParseConfigFile(bytes.NewReader(raw))
	if err != nil {
		return nil, "", fmt.Errorf("parse configuration: %w", err)
	}
	return cf, want.String(), nil
}

// layerSource is one layer to bring into the store.
type layerSource struct {
	diffID string
	// digest is the compressed blob's digest; "" for a layer read as an
	// uncompressed tar stream.
	digest string
	size   int64
	open   func() (io.ReadCloser, error)
}

// layerSources lists the image's layers, bottom first, with the diff
// id the configuration gives each.
func (s *Store) layerSources(rv *resolved, cf *v1.ConfigFile) ([]layerSource, error) {
	layers, err := rv.img.Layers()
	if err != nil {
		return nil, fmt.Errorf("list layers: %w", err)
	}
	ids := cf.RootFS.DiffIDs
	if len(ids) != len(layers) {
		return nil, fmt.Errorf("the manifest has %d layers and the configuration %d diff ids", len(layers), len(ids))
	}
	out := make([]layerSource, len(layers))
	for i, l := range layers {
		out[i] = layerSource{diffID: ids[i].String()}
		if rv.uncompressed {
			out[i].open = l.Uncompressed
			continue
		}
		h, err := l.Digest()
		if err != nil {
			return nil, err
		}
		out[i].digest, out[i].open = h.String(), l.Compressed
		out[i].size, _ = l.Size()
	}
	return out, nil
}

func diffIDs(ls []layerSource) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.diffID
	}
	return out
}

// dedupLayers keeps the topmost of layers that occur twice (empty
// layers do): applying a layer again over itself changes nothing, and
// overlayfs takes each directory once.
func dedupLayers(dirs []string) []string {
	var out []string
	for i, d := range dirs {
		if !slices.Contains(dirs[i+1:], d) {
			out = append(out, d)
		}
	}
	return out
}

// treeSize is the bytes of the regular files under dir.
func treeSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}
