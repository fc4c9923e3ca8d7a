package image

import (
	"archive/tar"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Flatten writes the root filesystem that the overlay of layers (bottom
// first) shows as one tar stream: the topmost copy of each path, nothing
// a whiteout or an opaque directory above hides, and no whiteout itself.
// Hard links within a layer stay hard links. `export oci` unpacks it
// into a bundle's rootfs with the tarball unpacker and its rules.
func Flatten(layers []string, userXattr bool, w io.Writer) error {
	opaque := "trusted.overlay.opaque"
	if userXattr {
		opaque = "user.overlay.opaque"
	}
	f := &flattener{tw: tar.NewWriter(w), seen: map[string]bool{}, hidden: map[string]bool{}, opaqueXattr: opaque}
	for i := len(layers) - 1; i >= 0; i-- {
		if err := f.layer(layers[i]); err != nil {
			return fmt.Errorf("flatten layer %s: %w", layers[i], err)
		}
	}
	return f.tw.Close()
}

type flattener struct {
	tw          *tar.Writer
	opaqueXattr string
	// seen are the paths an upper layer gave; hidden the paths below which
	// a whiteout or opaque directory of an upper layer hides everything.
	seen, hidden map[string]bool
	newHidden    []string
	links        map[uint64]string // inode to first name, within a layer
}

// layer adds what one layer shows that the layers above did not.
func (f *flattener) layer(dir string) error {
	f.links, f.newHidden = map[uint64]string{}, nil
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if f.isHidden(rel) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		return f.entry(p, rel, d)
	})
	for _, h := range f.newHidden {
		f.hidden[h] = true
	}
	return err
}

// isHidden reports whether an upper layer hid rel: a whiteout of rel or
// of a parent ("p"), or a parent made opaque ("p/*").
func (f *flattener) isHidden(rel string) bool {
	if rel == "." {
		return false
	}
	if f.hidden[rel] {
		return true
	}
	for p := filepath.Dir(rel); ; p = filepath.Dir(p) {
		if f.hidden[p] || f.hidden[p+"/*"] {
			return true
		}
		if p == "." {
			return false
		}
	}
}

func (f *flattener) entry(p, rel string, d fs.DirEntry) error {
	info, err := d.Info()
	if err != nil {
		return err
	}
	st, _ := info.Sys().(*syscall.Stat_t)
	if info.Mode()&fs.ModeCharDevice != 0 && st != nil && st.Rdev == 0 {
		f.newHidden = append(f.newHidden, rel) // a whiteout
		return nil
	}
	if d.IsDir() && isOpaque(p, f.opaqueXattr) {
		f.newHidden = append(f.newHidden, rel+"/*")
	}
	if f.seen[rel] {
		return nil // an upper layer gave it; a directory's children still count
	}
	f.seen[rel] = true
	return f.write(p, rel, info, st)
}

func (f *flattener) write(p, rel string, info fs.FileInfo, st *syscall.Stat_t) error {
	link := ""
	if info.Mode()&fs.ModeSymlink != 0 {
		var err error
		if link, err = os.Readlink(p); err != nil {
			return err
		}
	}
	hdr, err := tar.FileInfoHeader(info, link)
	if err != nil {
		return err
	}
	hdr.Name = filepath.ToSlash(rel)
	if info.IsDir() {
		hdr.Name += "/"
	}
	if st != nil {
		hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname = int(st.Uid), int(st.Gid), "", ""
		if info.Mode().IsRegular() && st.Nlink > 1 {
			if first, ok := f.links[st.Ino]; ok {
				hdr.Typeflag, hdr.Linkname, hdr.Size = tar.TypeLink, first, 0
				return f.tw.WriteHeader(hdr)
			}
			f.links[st.Ino] = hdr.Name
		}
	}
	if err := f.tw.WriteHeader(hdr); err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return nil
	}
	src, err := os.Open(p)
	if err != nil {
		return err
	}
	defer src.Close()
	_, err = io.Copy(f.tw, src)
	return err
}

// isOpaque reports whether the directory p carries the opaque mark.
func isOpaque(p, xattr string) bool {
	buf := make([]byte, 8)
	n, err := unix.Lgetxattr(p, xattr, buf)
	return err == nil && strings.TrimSpace(string(buf[:n])) == "y"
}
