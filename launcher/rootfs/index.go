package rootfs

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// A locked directory is verified against its pin at every start, and
// hashing a whole distribution tree takes about a second. An Index keeps,
// as git's index does, every entry's device, inode, size, modification and
// change times and mode, with its content digest: the next verification
// re-hashes only the regular files whose stat data changed, at the cost of
// a walk. A file cannot change without its change time changing (only the
// clock can set it), so an entry whose stat data is the same has the same
// content — except one changed within the timestamp granularity of the
// moment the index was made ("racily clean", in git's words), which is why
// an entry not older than the index by a margin is hashed again anyway.
//
// The index lives where only the launcher's user can write
// ($SANDBOX_HOME/index): whoever could write it could make a changed file
// pass.
type Index struct {
	// Digest is the tree digest the entries make.
	Digest string
	// Made is when the walk that filled the index began.
	Made time.Time
	// Entries are the tree's entries in lexical order.
	Entries []IndexEntry
	// Hashed is how many files the walk that made it hashed, and
	// LinksRead how many link targets it read; neither is stored.
	Hashed, LinksRead int
}

// IndexEntry is one entry of a tree and what was last seen of it.
type IndexEntry struct {
	Path             string
	Mode             uint32 // fs.FileMode bits
	Dev, Ino, Size   uint64
	MtimeNs, CtimeNs int64
	Content          string // as treeEntry.content
}

// racyMargin is how much older than the index an entry's times must be
// for its digest to be reused: filesystems keep times at a granularity of
// a clock tick or coarser, and a change made just after the walk began
// may carry a time just before it.
const racyMargin = time.Second

// reusable returns the content of e kept in the index (a file's digest, a
// link's target) when its stat data is unchanged and old enough, else "".
func (ix *Index) reusable(e *treeEntry) string {
	if ix == nil || e.stat == nil {
		return ""
	}
	i, ok := slices.BinarySearchFunc(ix.Entries, e.path, func(x IndexEntry, p string) int {
		return cmpPath(x.Path, p)
	})
	if !ok {
		return ""
	}
	x := ix.Entries[i]
	s := e.stat
	limit := ix.Made.Add(-racyMargin).UnixNano()
	if x.Mode != uint32(e.mode) || x.Dev != s.dev || x.Ino != s.ino || x.Size != s.size ||
		x.MtimeNs != s.mtimeNs || x.CtimeNs != s.ctimeNs || s.mtimeNs >= limit || s.ctimeNs >= limit {
		return ""
	}
	return x.Content
}

// cmpPath orders paths as the walk lists them: name by name, so that a
// directory's entries follow it ("a", "a/b", "a.c"), which plain string
// order would not ("a.c" < "a/b"): a separator counts as lower than any
// byte.
func cmpPath(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if x == '/' {
			return -1
		}
		if y == '/' {
			return 1
		}
		if x < y {
			return -1
		}
		return 1
	}
	return len(a) - len(b)
}

// Changed lists the paths whose entry differs between ix and other, in
// order: added, removed, or with another mode or content.
func (ix *Index) Changed(other *Index) []string {
	var out []string
	a, b := ix.Entries, other.Entries
	for len(a) > 0 || len(b) > 0 {
		switch {
		case len(b) == 0 || len(a) > 0 && cmpPath(a[0].Path, b[0].Path) < 0:
			out, a = append(out, a[0].Path), a[1:]
		case len(a) == 0 || cmpPath(b[0].Path, a[0].Path) < 0:
			out, b = append(out, b[0].Path), b[1:]
		default:
			if a[0].Mode != b[0].Mode || a[0].Content != b[0].Content {
				out = append(out, a[0].Path)
			}
			a, b = a[1:], b[1:]
		}
	}
	return out
}

// Learned reports whether ix, made by a walk that prev helped, holds
// anything prev does not: a file hashed again, an entry whose stat data
// or content changed. An index that learned nothing need not be written.
func (ix *Index) Learned(prev *Index) bool {
	return prev == nil || ix.Hashed > 0 || ix.Digest != prev.Digest || !slices.Equal(ix.Entries, prev.Entries)
}

// IndexAt returns the index of the tree at root, using and keeping the
// index at path: only what changed since it was made is read again, and
// it is written again only when the walk learned something. A failure to
// keep it costs the next walk a full hash only.
func IndexAt(root, path string) (*Index, error) {
	prev := ReadIndex(path)
	ix, err := IndexTree(root, prev)
	if err != nil {
		return nil, err
	}
	if ix.Learned(prev) {
		ix.Write(path)
	}
	return ix, nil
}

// IndexPath is where the index of the tree at dir lives under home.
func IndexPath(home, dir string) string {
	abs, _ := filepath.Abs(dir)
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(home, "index", hex.EncodeToString(sum[:12]))
}

// indexMagic opens an index file and names its form's version.
const indexMagic = "SBXIDX1\n"

// ReadIndex reads the index at path; a missing or malformed index is nil,
// with no error: the tree is then hashed whole.
func ReadIndex(path string) *Index {
	b, err := os.ReadFile(path)
	if err != nil || !bytes.HasPrefix(b, []byte(indexMagic)) {
		return nil
	}
	d := &indexDecoder{b: b[len(indexMagic):]}
	ix := &Index{Digest: d.str(), Made: time.Unix(0, d.int())}
	n := d.uint()
	if d.err != nil || n > uint64(len(d.b)) {
		return nil
	}
	ix.Entries = make([]IndexEntry, n)
	for i := range ix.Entries {
		e := &ix.Entries[i]
		e.Path, e.Mode = d.str(), uint32(d.uint())
		e.Dev, e.Ino, e.Size = d.uint(), d.uint(), d.uint()
		e.MtimeNs, e.CtimeNs = d.int(), d.int()
		e.Content = d.str()
	}
	if d.err != nil || len(d.b) != 0 {
		return nil
	}
	return ix
}

// Write stores the index at path, whole or not at all, readable by its
// owner only.
func (ix *Index) Write(path string) error {
	b := append([]byte(nil), indexMagic...)
	b = appendStr(b, ix.Digest)
	b = binary.AppendVarint(b, ix.Made.UnixNano())
	b = binary.AppendUvarint(b, uint64(len(ix.Entries)))
	for _, e := range ix.Entries {
		b = appendStr(b, e.Path)
		b = binary.AppendUvarint(b, uint64(e.Mode))
		for _, v := range []uint64{e.Dev, e.Ino, e.Size} {
			b = binary.AppendUvarint(b, v)
		}
		b = binary.AppendVarint(b, e.MtimeNs)
		b = binary.AppendVarint(b, e.CtimeNs)
		b = appendStr(b, e.Content)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("write rootfs index: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".index-*")
	if err != nil {
		return fmt.Errorf("write rootfs index: %w", err)
	}
	_, err = tmp.Write(b)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write rootfs index: %w", err)
	}
	return nil
}

func appendStr(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// indexDecoder reads what Write wrote; after the first error every read
// is a zero value.
type indexDecoder struct {
	b   []byte
	err error
}

var errIndexShort = errors.New("truncated index")

func (d *indexDecoder) uint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err, d.b = errIndexShort, nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *indexDecoder) int() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err, d.b = errIndexShort, nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *indexDecoder) str() string {
	n := d.uint()
	if n > uint64(len(d.b)) {
		d.err, d.b = errIndexShort, nil
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}
