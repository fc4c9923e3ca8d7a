package watch

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// fsWatch watches files and directory trees. fsnotify watches one
// directory at a time, so every directory under a watched tree gets a
// watch of its own, including directories created later; a file is
// watched through its parent directory, so that editors that replace a
// file by renaming another over it are still seen.
type fsWatch struct {
	w *fsnotify.Watcher
	// changes receives every file or directory that changed.
	changes chan change
	errs    chan error
	done    chan struct{}
}

func newFSWatch() (*fsWatch, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	fw := &fsWatch{w: w, changes: make(chan change, 256), errs: make(chan error, 8), done: make(chan struct{})}
	go fw.loop()
	return fw, nil
}

// add watches p: a directory recursively, a file (existing or not yet)
// through its parent directory.
func (fw *fsWatch) add(p string) error {
	info, err := os.Stat(p)
	if err == nil && info.IsDir() {
		return fw.addTree(p, nil)
	}
	return fw.w.Add(filepath.Dir(p))
}

// addTree watches dir and every directory under it; found, if not nil,
// receives each file already there (for a directory created just now,
// whose files may have been written before its watch existed).
func (fw *fsWatch) addTree(dir string, found func(string)) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // vanished meanwhile, or unreadable: nothing to watch
		}
		if d.IsDir() {
			if d.Name() == ".git" && p != dir {
				return filepath.SkipDir
			}
			return fw.w.Add(p)
		}
		if found != nil {
			found(p)
		}
		return nil
	})
}

// loop turns fsnotify's events into changes and follows new directories.
func (fw *fsWatch) loop() {
	defer close(fw.changes)
	for {
		select {
		case ev, ok := <-fw.w.Events:
			if !ok {
				return
			}
			fw.event(ev)
		case err, ok := <-fw.w.Errors:
			if !ok {
				return
			}
			select {
			case fw.errs <- err:
			default:
			}
		}
	}
}

func (fw *fsWatch) event(ev fsnotify.Event) {
	if ev.Op == fsnotify.Chmod || editorTemp(ev.Name) {
		return
	}
	if ev.Has(fsnotify.Create) {
		if info, err := os.Lstat(ev.Name); err == nil && info.IsDir() {
			fw.addTree(ev.Name, fw.send)
		}
	}
	fw.send(ev.Name)
}

// change is a path that changed and when the watch saw it.
type change struct {
	path string
	at   time.Time
}

func (fw *fsWatch) send(p string) {
	select {
	case fw.changes <- change{p, time.Now()}:
	case <-fw.done:
	}
}

// close stops watching; changes is closed once the loop has ended.
func (fw *fsWatch) close() {
	close(fw.done)
	fw.w.Close()
	for range fw.changes {
	}
}

// editorTemp reports whether p is a file editors write while saving:
// vim's swap files and its 4913 probe, backups ending in ~, emacs's
// lock files .#name.
func editorTemp(p string) bool {
	base := filepath.Base(p)
	switch {
	case base == "4913", strings.HasSuffix(base, "~"), strings.HasPrefix(base, ".#"):
		return true
	case strings.HasSuffix(base, ".swp"), strings.HasSuffix(base, ".swx"), strings.HasSuffix(base, ".swo"):
		return true
	}
	return false
}

// under reports whether p is root or inside it, and p relative to root.
func under(root, p string) (string, bool) {
	if p == root {
		return ".", true
	}
	rel, err := filepath.Rel(root, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", false
	}
	return rel, true
}
