package rootfs

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"time"
)

// Digest returns the sha256 that pins a root filesystem: the file digest of
// a tarball, the tree digest of a directory.
func Digest(path string) (string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("digest rootfs: %w", err)
	}
	if info.IsDir() {
		return TreeDigest(path)
	}
	return FileDigest(path)
}

// FileDigest returns the hex sha256 of a file's contents.
func FileDigest(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("digest %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("digest %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// treeEntry is one line of a tree digest.
type treeEntry struct {
	path string
	mode fs.FileMode
	// content is the link target of a symlink, the device number of a
	// device, the hex digest of a regular file (filled in by a worker).
	content string
	stat    *entryStat // nil when the platform has none
}

// entryStat is what an Index compares to know an entry unchanged.
type entryStat struct {
	dev, ino, size   uint64
	mtimeNs, ctimeNs int64
}

// TreeDigest returns the hex sha256 of a directory tree: every entry's
// relative path, mode (type and permission bits), and its link target,
// device number or content digest. Owners and times are left out, so a copy
// of a tree has the same digest. Files are hashed in parallel.
func TreeDigest(root string) (string, error) {
	ix, err := IndexTree(root, nil)
	if err != nil {
		return "", err
	}
	return ix.Digest, nil
}

// IndexTree computes the tree digest of root as TreeDigest does, hashing
// only the regular files that prev, an earlier index of the same tree (or
// nil), cannot vouch for, and returns the index of what it saw.
func IndexTree(root string, prev *Index) (*Index, error) {
	made := time.Now()
	entries, files, links, err := walkTree(root, prev)
	if err != nil {
		return nil, err
	}
	var stale []int
	for _, i := range files {
		if d := prev.reusable(&entries[i]); d != "" {
			entries[i].content = d
		} else {
			stale = append(stale, i)
		}
	}
	if err := hashFiles(root, entries, stale); err != nil {
		return nil, err
	}
	ix := &Index{Made: made, Entries: make([]IndexEntry, len(entries)), Hashed: len(stale), LinksRead: links}
	h := sha256.New()
	var line []byte
	for i, e := range entries {
		h.Write(entryLine(line[:0], e))
		ix.Entries[i] = indexEntry(e)
	}
	ix.Digest = hex.EncodeToString(h.Sum(nil))
	return ix, nil
}

// entryLine appends e's line of the tree digest to b: its quoted path, its
// mode in octal and its content (as "%q %o %s\n" prints them).
func entryLine(b []byte, e treeEntry) []byte {
	b = strconv.AppendQuote(b, e.path)
	b = append(b, ' ')
	b = strconv.AppendUint(b, uint64(uint32(e.mode)), 8)
	b = append(b, ' ')
	b = append(b, e.content...)
	return append(b, '\n')
}

// indexEntry is what an Index keeps of e.
func indexEntry(e treeEntry) IndexEntry {
	x := IndexEntry{Path: e.path, Mode: uint32(e.mode), Content: e.content}
	if s := e.stat; s != nil {
		x.Dev, x.Ino, x.Size, x.MtimeNs, x.CtimeNs = s.dev, s.ino, s.size, s.mtimeNs, s.ctimeNs
	}
	return x
}

// walkPortable lists the tree in lexical order and returns the indexes of
// its regular files, with the standard library's walk; walkTree does the
// same with fewer syscalls on Linux.
func walkPortable(root string) ([]treeEntry, []int, error) {
	var entries []treeEntry
	var files []int
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		e := treeEntry{path: filepath.ToSlash(rel), mode: info.Mode(), stat: statOf(info)}
		switch {
		case info.Mode().IsRegular():
			files = append(files, len(entries))
		case info.Mode()&fs.ModeSymlink != 0:
			if e.content, err = os.Readlink(p); err != nil {
				return err
			}
		case info.Mode()&fs.ModeDevice != 0:
			e.content = deviceNumber(info)
		}
		entries = append(entries, e)
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("digest tree %s: %w", root, err)
	}
	return entries, files, nil
}

// hashFiles fills in the content digest of entries[i] for every i in files,
// with one worker per CPU (at least four, since hashing also waits on disk).
func hashFiles(root string, entries []treeEntry, files []int) error {
	work := make(chan int)
	var wg sync.WaitGroup
	var once sync.Once
	var firstErr error
	for range max(4, runtime.NumCPU()) {
		wg.Go(func() {
			for i := range work {
				d, err := FileDigest(filepath.Join(root, filepath.FromSlash(entries[i].path)))
				if err != nil {
					once.Do(func() { firstErr = err })
					continue
				}
				entries[i].content = d
			}
		})
	}
	for _, i := range files {
		work <- i
	}
	close(work)
	wg.Wait()
	return firstErr
}
