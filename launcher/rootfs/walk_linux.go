package rootfs

import (
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strconv"

	"golang.org/x/sys/unix"
)

// walkTree lists the tree in lexical order, as filepath.WalkDir does (a
// directory's entries right after it), and returns the indexes of its
// regular files, and how many link targets it read. It reads each directory once and stats every entry
// relative to its directory's descriptor: the verification of a locked
// tree is this walk, and a lookup from the root for every entry would
// cost it twice the time. A symlink whose stat data prev vouches for
// keeps the target prev holds: a link's target cannot change without its
// change time changing, and its readlink(2) was half the walk's syscalls.
func walkTree(root string, prev *Index) ([]treeEntry, []int, int, error) {
	w := &walker{prev: prev}
	fd, err := unix.Open(root, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err == nil {
		var st unix.Stat_t
		if err = unix.Fstat(fd, &st); err == nil {
			w.add(".", &st, "")
			err = w.dir(fd, "")
		} else {
			unix.Close(fd)
		}
	}
	if err != nil {
		return nil, nil, 0, fmt.Errorf("digest tree %s: %w", root, err)
	}
	return w.entries, w.files, w.linksRead, nil
}

// walker collects a tree's entries. (A walk of subtrees in parallel was
// measured no faster: it is syscalls that the kernel serves one by one.)
type walker struct {
	prev      *Index
	entries   []treeEntry
	files     []int
	linksRead int
}

// dir adds the entries of the directory open at fd, whose path is rel
// ("" for the root), and descends into its subdirectories; it takes fd.
func (w *walker) dir(fd int, rel string) error {
	f := os.NewFile(uintptr(fd), rel)
	defer f.Close()
	names, err := f.Readdirnames(-1)
	if err != nil {
		return fmt.Errorf("read %s: %w", pathOr(rel), err)
	}
	slices.Sort(names)
	for _, name := range names {
		p := name
		if rel != "" {
			p = rel + "/" + name
		}
		if err := w.entry(fd, name, p); err != nil {
			return err
		}
	}
	return nil
}

// entry adds the entry name of the directory at dirfd, whose path is p.
func (w *walker) entry(dirfd int, name, p string) error {
	var st unix.Stat_t
	if err := unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return fmt.Errorf("stat %s: %w", p, err)
	}
	link := ""
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFLNK:
		if link = w.prev.reusable(&treeEntry{path: p, mode: fileMode(&st), stat: statOfUnix(&st)}); link != "" {
			break
		}
		var err error
		if link, err = readlinkAt(dirfd, name); err != nil {
			return fmt.Errorf("read link %s: %w", p, err)
		}
		w.linksRead++
	case unix.S_IFDIR:
		w.add(p, &st, "")
		sub, err := unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("open %s: %w", p, err)
		}
		return w.dir(sub, p)
	}
	w.add(p, &st, link)
	return nil
}

// add appends an entry, with its content when the stat data gives it.
func (w *walker) add(p string, st *unix.Stat_t, link string) {
	e := treeEntry{path: p, mode: fileMode(st), content: link, stat: statOfUnix(st)}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
		w.files = append(w.files, len(w.entries))
	case unix.S_IFBLK, unix.S_IFCHR:
		e.content = strconv.FormatUint(st.Rdev, 10)
	}
	w.entries = append(w.entries, e)
}

// statOfUnix is what an Index compares of st.
func statOfUnix(st *unix.Stat_t) *entryStat {
	return &entryStat{dev: st.Dev, ino: st.Ino, size: uint64(st.Size), mtimeNs: st.Mtim.Nano(), ctimeNs: st.Ctim.Nano()}
}

// fileMode is the fs.FileMode of a stat mode, as os.Lstat makes it.
func fileMode(st *unix.Stat_t) fs.FileMode {
	m := fs.FileMode(st.Mode & 0o777)
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFBLK:
		m |= fs.ModeDevice
	case unix.S_IFCHR:
		m |= fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFDIR:
		m |= fs.ModeDir
	case unix.S_IFIFO:
		m |= fs.ModeNamedPipe
	case unix.S_IFLNK:
		m |= fs.ModeSymlink
	case unix.S_IFSOCK:
		m |= fs.ModeSocket
	}
	if st.Mode&unix.S_ISGID != 0 {
		m |= fs.ModeSetgid
	}
	if st.Mode&unix.S_ISUID != 0 {
		m |= fs.ModeSetuid
	}
	if st.Mode&unix.S_ISVTX != 0 {
		m |= fs.ModeSticky
	}
	return m
}

func readlinkAt(dirfd int, name string) (string, error) {
	for size := 256; ; size *= 2 {
		buf := make([]byte, size)
		n, err := unix.Readlinkat(dirfd, name, buf)
		if err != nil {
			return "", err
		}
		if n < size {
			return string(buf[:n]), nil
		}
	}
}

func pathOr(rel string) string {
	if rel == "" {
		return "."
	}
	return rel
}
