package image

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"

	"github.com/hclsandbox/sandbox/launcher/rootfs"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// ensureLayer unpacks the layer l into the store unless it is there. It
// holds the layer's lock meanwhile, so a second puller waits and then
// finds the work done; what a killed puller left of the layer is removed
// first. It returns the layer's size and whether it did the unpacking.
func (s *Store) ensureLayer(ctx context.Context, l layerSource, p *layerProgress) (int64, bool, error) {
	dir := s.LayerDir(l.diffID)
	if exists(dir) {
		p.skip()
		return treeSize(dir), false, nil
	}
	key := s.layerKey(l.diffID)
	lock, err := flock(ctx, s.lockPath("layer-"+key), true)
	if err != nil {
		return 0, false, err
	}
	defer lock.Close()
	if exists(dir) {
		p.skip()
		return treeSize(dir), false, nil
	}
	s.removeLeftovers(key)
	tmp, err := os.MkdirTemp(s.tmpDir(), key+"-")
	if err == nil {
		err = os.Chmod(tmp, 0o755) // the layer's root, unless it says otherwise
	}
	if err != nil {
		return 0, false, fmt.Errorf("create layer directory: %w", err)
	}
	size, err := s.unpackLayer(ctx, l, tmp, p)
	if err == nil {
		err = os.Rename(tmp, dir)
	}
	if err != nil {
		s.removeTree(tmp)
		return 0, false, fmt.Errorf("layer %s: %w", ShortDigest(l.diffID), err)
	}
	return size, true, nil
}

func exists(dir string) bool {
	info, err := os.Lstat(dir)
	return err == nil && info.IsDir()
}

// removeLeftovers removes the temporary directories of layer key that a
// killed puller left: the caller holds the layer's lock, so no live one
// is at work on them.
func (s *Store) removeLeftovers(key string) {
	matches, _ := filepath.Glob(filepath.Join(s.tmpDir(), key+"-*"))
	for _, m := range matches {
		s.removeTree(m)
	}
}

// unpackLayer streams l into dir, checking the compressed bytes against
// l.digest and the tar stream against l.diffID as they pass, and reads
// the stream to its end so that both digests cover all of it. It
// returns the tar stream's length.
func (s *Store) unpackLayer(ctx context.Context, l layerSource, dir string, p *layerProgress) (int64, error) {
	rc, err := l.open()
	if err != nil {
		return 0, fmt.Errorf("open: %w", err)
	}
	defer rc.Close()
	var blob io.Reader = &ctxReader{ctx: ctx, r: rc, progress: p}
	blobHash := sha256.New()
	if l.digest != "" {
		blob = io.TeeReader(blob, blobHash)
	}
	tarStream, err := decompress(blob)
	if err != nil {
		return 0, err
	}
	defer tarStream.Close()
	diffHash := sha256.New()
	counted := &countingReader{r: io.TeeReader(tarStream, diffHash)}
	if _, err := rootfs.UnpackLayer(counted, dir, rootfs.LayerOptions{UserXattr: s.UserXattr, IDs: s.IDs}); err != nil {
		return 0, err
	}
	if _, err := io.Copy(io.Discard, counted); err != nil {
		return 0, fmt.Errorf("read: %w", err)
	}
	if _, err := io.Copy(io.Discard, blob); err != nil {
		return 0, fmt.Errorf("read: %w", err)
	}
	if err := checkHash("blob", blobHash, l.digest); err != nil {
		return 0, err
	}
	return counted.n, checkHash("diff id", diffHash, l.diffID)
}

// checkHash compares a digest computed while streaming with the expected
// one; "" expects nothing.
func checkHash(what string, h hash.Hash, want string) error {
	if want == "" {
		return nil
	}
	if got := "sha256:" + hex.EncodeToString(h.Sum(nil)); got != want {
		return fmt.Errorf("%s does not match: expected %s, got %s", what, want, got)
	}
	return nil
}

// ctxReader ends a read when its context is done, so an interrupted pull
// stops mid-layer, and reports progress.
type ctxReader struct {
	ctx      context.Context
	r        io.Reader
	progress *layerProgress
}

func (c *ctxReader) Read(b []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.r.Read(b)
	c.progress.add(n)
	return n, err
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}

// Magic numbers of compressed layers.
var (
	gzipMagic = []byte{0x1f, 0x8b}
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

// decompress returns the tar stream of a layer blob, gzip, zstd or plain,
// recognized by its first bytes.
func decompress(r io.Reader) (io.ReadCloser, error) {
	br := bufio.NewReaderSize(r, 256<<10)
	head, err := br.Peek(4)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read: %w", err)
	}
	switch {
	case bytes.HasPrefix(head, gzipMagic):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("read gzip header: %w", err)
		}
		return zr, nil
	case bytes.HasPrefix(head, zstdMagic):
		zr, err := zstd.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("read zstd header: %w", err)
		}
		return zr.IOReadCloser(), nil
	}
	return io.NopCloser(br), nil
}
