package rootfs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/safepath"
	"github.com/hclsandbox/sandbox/launcher/mapped"
)

// DefaultHome is where the launcher keeps its state unless SANDBOX_HOME says otherwise.
const DefaultHome = "/var/lib/sandbox"

// Home returns $SANDBOX_HOME, or DefaultHome when it is unset.
func Home() string {
	if h := os.Getenv("SANDBOX_HOME"); h != "" {
		return h
	}
	return DefaultHome
}

// Cache holds unpacked tarballs, one directory per tarball digest and
// class of device nodes (cacheName). An entry appears only complete, by
// rename.
type Cache struct {
	// Dir is the cache directory, normally Home()/rootfs.
	Dir string
	// Progress receives a progress bar while a tarball is unpacked; nil
	// unpacks quietly.
	Progress io.Writer
	// IDs, when set, are the maps of the user namespace an unprivileged
	// launcher unpacks in (package mapped), so that the archive's owners
	// are kept, shifted into the caller's subordinate ranges; entries so
	// made are named after the maps (idsSuffix). Nil unpacks as the
	// caller, who then owns every file.
	IDs *mapped.Maps
}

// NewCache returns the rootfs cache under home.
func NewCache(home string) *Cache {
	return &Cache{Dir: filepath.Join(home, "rootfs")}
}

// Entry is a tarball's directory in the cache.
type Entry struct {
	// Dir is the unpacked root filesystem.
	Dir string
	// Unpacked is set when this call unpacked the tarball.
	Unpacked bool
	// Devices is what unpacking did with the archive's device nodes; zero
	// when the entry was there already.
	Devices DeviceCount
}

// Entry classes: what the unpacker did with the archive's device nodes.
// Entries of earlier versions, named sha256-<digest> alone, may hold
// device nodes made by default; they are no longer used.
const (
	classNone    = "nodev"   // the archive has none
	classSkipped = "skipped" // it has some, left out
	classMade    = "devices" // it has some, made
)

// cacheName is the name of the entry of digest in class.
func cacheName(digest, class string) string {
	return "sha256-" + digest + "-" + class
}

// name is the entry of digest in class for this cache's unpacker: root,
// the caller alone, or the caller under IDs.
func (c *Cache) name(digest, class string) string {
	if c.IDs == nil {
		return cacheName(digest, class)
	}
	return cacheName(digest, class) + "-ids-" + c.IDs.Key()
}

// usable lists the classes of entries that serve a devices rule.
func usable(devices string) []string {
	switch devices {
	case config.DevicesRefuse:
		return []string{classNone}
	case config.DevicesKeep:
		return []string{classNone, classMade}
	}
	return []string{classNone, classSkipped}
}

// classOf is the class of an unpack that did n.
func classOf(n DeviceCount) string {
	switch {
	case n.Made > 0:
		return classMade
	case n.Skipped > 0:
		return classSkipped
	}
	return classNone
}

// Ensure returns the cache entry of tarball, whose sha256 the caller has
// already checked to be digest, unpacking it when there is no entry that
// serves the devices rule (one of config.DeviceRules; "" is skip). ctx
// ends an unpack early, which then leaves nothing behind; the unpack
// directories of unpackers that died are removed first.
//
// Root runs what the entries hold, so the cache is used only when no one
// but root (or, for another user, that user) can change it: Dir and every
// directory above it pass safepath. Dir itself is kept 0700, since entries
// hold the setuid binaries of root filesystems; an entry is a directory
// in it, never a symlink.
func (c *Cache) Ensure(ctx context.Context, tarball, digest, devices string) (*Entry, error) {
	d, err := c.open()
	if err != nil {
		return nil, err
	}
	defer d.Close()
	if devices == config.DevicesKeep && os.Geteuid() != 0 {
		devices = config.DevicesSkip // only root makes device nodes
	}
	removeStale(d.Path, c.IDs)
	for _, class := range usable(devices) {
		if ok, err := isEntry(d, c.name(digest, class)); ok || err != nil {
			return &Entry{Dir: filepath.Join(d.Path, c.name(digest, class))}, err
		}
	}
	tmp, release, err := claimUnpackDir(d.Path, digest)
	if err != nil {
		return nil, err
	}
	defer release()
	n, err := c.unpackInto(ctx, tmp, tarball, digest, devices)
	if err != nil {
		removeMapped(c.IDs, tmp)
		return nil, err
	}
	e := &Entry{Dir: filepath.Join(d.Path, c.name(digest, classOf(n))), Unpacked: true, Devices: n}
	if err := os.Rename(tmp, e.Dir); err != nil {
		removeMapped(c.IDs, tmp)
		if ok, _ := isEntry(d, filepath.Base(e.Dir)); ok {
			return &Entry{Dir: e.Dir}, nil // another launcher unpacked it meanwhile
		}
		return nil, fmt.Errorf("move unpacked %s into the cache: %w", tarball, err)
	}
	return e, nil
}

// open makes the cache directory if needed, checks it and everything
// above it, and takes group and other permissions off it.
func (c *Cache) open() (*safepath.Dir, error) {
	d, err := safepath.MkdirAll(c.Dir, 0o700)
	if err != nil {
		return nil, fmt.Errorf("rootfs cache: %w", err)
	}
	// d.Path is safe: no one else can swap what it names.
	if info, err := os.Stat(d.Path); err != nil || info.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(d.Path, 0o700); err != nil {
			d.Close()
			return nil, fmt.Errorf("rootfs cache: %w", err)
		}
	}
	return d, nil
}

// isEntry reports whether name in d is a cache entry: a directory. Anything
// else under that name is an error.
func isEntry(d *safepath.Dir, name string) (bool, error) {
	info, err := os.Lstat(filepath.Join(d.Path, name))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("rootfs cache: %w", err)
	case !info.IsDir():
		return false, fmt.Errorf("rootfs cache entry %s is not a directory (%v); remove it", filepath.Join(d.Path, name), info.Mode().Type())
	}
	return true, nil
}

// unpackInto unpacks tarball into tmp and checks on the way that the bytes
// read still have the expected digest, so a tarball swapped after it was
// checked is never cached. Once ctx is done, reading fails with its cause.
func (c *Cache) unpackInto(ctx context.Context, tmp, tarball, digest, devices string) (DeviceCount, error) {
	var n DeviceCount
	if err := os.Chmod(tmp, 0o755); err != nil {
		return n, fmt.Errorf("chmod %s: %w", tmp, err)
	}
	f, err := os.Open(tarball)
	if err != nil {
		return n, fmt.Errorf("open rootfs tarball: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	var r io.Reader = io.TeeReader(ctxReader{ctx, f}, h)
	bar := c.progressBar(f, r, tarball)
	if bar != nil {
		r = bar
	}
	tr, err := decompress(r)
	if err != nil {
		return n, fmt.Errorf("unpack %s: %w", tarball, err)
	}
	defer tr.Close()
	if n, err = c.unpack(tr, tmp, devices); err != nil {
		return n, fmt.Errorf("unpack %s: %w", tarball, err)
	}
	// Read what the tar stream left over, so the digest covers the whole file.
	if _, err := io.Copy(io.Discard, r); err != nil {
		return n, fmt.Errorf("read %s: %w", tarball, err)
	}
	if bar != nil {
		bar.finish()
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != digest {
		return n, errors.New("rootfs tarball " + tarball + " changed while it was unpacked")
	}
	return n, nil
}

// unpack extracts the tar stream r into tmp, in the user namespace of
// c.IDs when set.
func (c *Cache) unpack(r io.Reader, tmp, devices string) (DeviceCount, error) {
	if c.IDs == nil {
		return Unpack(r, tmp, devices)
	}
	return unpackMapped(c.IDs, r, tmp, devices)
}

// ctxReader reads from r until ctx is done, then fails with its cause.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if c.ctx.Err() != nil {
		return 0, context.Cause(c.ctx)
	}
	return c.r.Read(p)
}

// progressBar returns r, the content of f, counted on a progress line, or
// nil when progress is not wanted.
func (c *Cache) progressBar(f *os.File, r io.Reader, tarball string) *progressReader {
	if c.Progress == nil {
		return nil
	}
	info, err := f.Stat()
	if err != nil {
		return nil
	}
	return newProgressReader(r, c.Progress, filepath.Base(tarball), info.Size())
}

// removeTree removes a half-unpacked tree, first making its directories
// writable: an unpacker that is not root cannot empty a read-only directory.
func removeTree(dir string) {
	if os.RemoveAll(dir) == nil {
		return
	}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chmod(p, 0o700)
		}
		return nil
	})
	os.RemoveAll(dir)
}
