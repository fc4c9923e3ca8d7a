package rootfs

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/hclsandbox/sandbox/internal/safepath"
	"github.com/schollz/progressbar/v3"
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

// Cache holds unpacked tarballs, one directory per tarball digest:
// Dir/sha256-<digest>. An entry appears only complete, by rename.
type Cache struct {
	// Dir is the cache directory, normally Home()/rootfs.
	Dir string
	// Progress receives a progress bar while a tarball is unpacked; nil
	// unpacks quietly.
	Progress io.Writer
}

// NewCache returns the rootfs cache under home.
func NewCache(home string) *Cache {
	return &Cache{Dir: filepath.Join(home, "rootfs")}
}

// EntryDir is the directory that holds the tarball with the given digest.
func (c *Cache) EntryDir(digest string) string {
	return filepath.Join(c.Dir, "sha256-"+digest)
}

// Ensure returns the cache entry of tarball, whose sha256 the caller has
// already checked to be digest, unpacking it when the entry is missing.
// unpacked reports whether this call did the unpacking.
//
// Root runs what the entries hold, so the cache is used only when no one
// but root (or, for another user, that user) can change it: Dir and every
// directory above it pass safepath. Dir itself is kept 0700, since entries
// hold the setuid binaries of root filesystems; an entry is a directory
// in it, never a symlink.
func (c *Cache) Ensure(tarball, digest string) (dir string, unpacked bool, err error) {
	d, err := c.open()
	if err != nil {
		return "", false, err
	}
	defer d.Close()
	name := "sha256-" + digest
	dir = filepath.Join(d.Path, name)
	if ok, err := isEntry(d, name); ok || err != nil {
		return dir, false, err
	}
	c.removeStale(d.Path, time.Now().Add(-staleAfter))
	tmp, err := os.MkdirTemp(d.Path, ".unpack-sha256-"+digest[:12]+"-")
	if err != nil {
		return "", false, fmt.Errorf("create unpack directory in %s: %w", d.Path, err)
	}
	if err := c.unpackInto(tmp, tarball, digest); err != nil {
		removeTree(tmp)
		return "", false, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		removeTree(tmp)
		if ok, _ := isEntry(d, name); ok {
			return dir, false, nil // another launcher unpacked it meanwhile
		}
		return "", false, fmt.Errorf("move unpacked %s into the cache: %w", tarball, err)
	}
	return dir, true, nil
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
// checked is never cached.
func (c *Cache) unpackInto(tmp, tarball, digest string) error {
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("chmod %s: %w", tmp, err)
	}
	f, err := os.Open(tarball)
	if err != nil {
		return fmt.Errorf("open rootfs tarball: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	var r io.Reader = io.TeeReader(f, h)
	bar := c.progressBar(f, tarball)
	if bar != nil {
		pr := progressbar.NewReader(r, bar)
		r = &pr
	}
	tr, err := decompress(r)
	if err != nil {
		return fmt.Errorf("unpack %s: %w", tarball, err)
	}
	defer tr.Close()
	if _, err := Unpack(tr, tmp); err != nil {
		return fmt.Errorf("unpack %s: %w", tarball, err)
	}
	// Read what the tar stream left over, so the digest covers the whole file.
	if _, err := io.Copy(io.Discard, r); err != nil {
		return fmt.Errorf("read %s: %w", tarball, err)
	}
	if bar != nil {
		bar.Finish()
		fmt.Fprintln(c.Progress)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != digest {
		return errors.New("rootfs tarball " + tarball + " changed while it was unpacked")
	}
	return nil
}

// progressBar returns a bar for reading f, or nil when progress is not wanted.
func (c *Cache) progressBar(f *os.File, tarball string) *progressbar.ProgressBar {
	if c.Progress == nil {
		return nil
	}
	info, err := f.Stat()
	if err != nil {
		return nil
	}
	return progressbar.NewOptions64(info.Size(),
		progressbar.OptionSetWriter(c.Progress),
		progressbar.OptionSetDescription("unpacking "+filepath.Base(tarball)),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
	)
}

// staleAfter is how old an unpack directory must be before another
// launcher takes it for the remains of one that was killed.
const staleAfter = 6 * time.Hour

// removeStale removes unpack directories in dir last changed before
// cutoff: a launcher killed while unpacking leaves its temporary directory
// behind.
func (c *Cache) removeStale(dir string, cutoff time.Time) {
	matches, _ := filepath.Glob(filepath.Join(dir, ".unpack-*"))
	for _, m := range matches {
		if info, err := os.Lstat(m); err == nil && info.ModTime().Before(cutoff) {
			removeTree(m)
		}
	}
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
