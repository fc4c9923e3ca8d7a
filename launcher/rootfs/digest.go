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
	"sync"
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
}

// TreeDigest returns the hex sha256 of a directory tree: every entry's
// relative path, mode (type and permission bits), and its link target,
// device number or content digest. Owners and times are left out, so a copy
// of a tree has the same digest. Files are hashed in parallel.
func TreeDigest(root string) (string, error) {
	entries, files, err := walkTree(root)
	if err != nil {
		return "", err
	}
	if err := hashFiles(root, entries, files); err != nil {
		return "", err
	}
	h := sha256.New()
	for _, e := range entries {
		fmt.Fprintf(h, "%q %o %s\n", e.path, uint32(e.mode), e.content)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// walkTree lists the tree in lexical order and returns the indexes of its
// regular files.
func walkTree(root string) ([]treeEntry, []int, error) {
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
		e := treeEntry{path: filepath.ToSlash(rel), mode: info.Mode()}
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
