package oci

import (
	"archive/tar"
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher/image"
	"github.com/hclsandbox/sandbox/launcher/rootfs"
	"golang.org/x/sys/unix"
)

// FillRoot fills root, the bundle's own empty root directory, from a
// prepared root filesystem: an image's layers flattened (Flatten), or
// else the directory dir copied (CopyTree), both without device nodes or
// setuid and setgid bits. The stats say what was left out or changed.
func FillRoot(root *Dir, dir string, img *image.Image) (CopyStats, error) {
	var st CopyStats
	if img != nil {
		return st, Flatten(img, root.path, &st)
	}
	return st, CopyTree(dir, root, &st)
}

// Flatten unpacks the tree an image's layers show into dir, the
// bundle's empty root, with the tarball unpacker and its rules, leaving
// out device nodes and clearing setuid and setgid bits as copyTree does.
func Flatten(img *image.Image, dir string, st *CopyStats) error {
	flat, w := io.Pipe()
	go func() { w.CloseWithError(image.Flatten(img.Layers, img.UserXattr, w)) }()
	safe, sw := io.Pipe()
	go func() { sw.CloseWithError(clearSetuid(flat, sw, st)) }()
	count, err := rootfs.Unpack(safe, dir, config.DevicesSkip)
	safe.CloseWithError(io.ErrClosedPipe)
	flat.CloseWithError(io.ErrClosedPipe)
	st.Devices += count.Skipped
	return err
}

// clearSetuid copies a tar stream, clearing the setuid and setgid bits of
// every entry and counting the entries it cleared.
func clearSetuid(r io.Reader, w io.Writer, st *CopyStats) error {
	tr, tw := tar.NewReader(r), tar.NewWriter(w)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return tw.Close()
		}
		if err != nil {
			return err
		}
		if hdr.Mode&0o6000 != 0 && hdr.Typeflag != tar.TypeDir {
			hdr.Mode &^= 0o6000
			st.Setuid++
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if _, err := io.Copy(tw, tr); err != nil {
			return err
		}
	}
}

// Write writes config.json into bd, and the symlinks of the host view into
// the bundle's own root.
func Write(b *Bundle, bd, root *Dir) error {
	for link, target := range b.Symlinks {
		if root == nil {
			return fmt.Errorf("create link %s: the bundle has no root of its own", link)
		}
		if err := unix.Symlinkat(target, root.fd, strings.TrimPrefix(link, "/")); err != nil {
			return fmt.Errorf("create link %s: %w", link, err)
		}
	}
	data, err := json.MarshalIndent(b.Spec, "", "  ")
	if err != nil {
		return fmt.Errorf("encode config.json: %w", err)
	}
	return bd.writeFile("config.json", append(data, '\n'), 0o644)
}

// PathExists reports whether p exists on the host (Config's exists).
func PathExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// NumericUser resolves the names of a "USER[:GROUP]" in the root's
// /etc/passwd and /etc/group, since OCI takes only numeric ids.
func NumericUser(user, root string) (string, error) {
	if user == "" {
		return "", nil
	}
	u, g, hasGroup := strings.Cut(user, ":")
	uid, gid, err := lookupID(filepath.Join(root, "etc", "passwd"), u, true)
	if err != nil {
		return "", err
	}
	if hasGroup {
		if gid, _, err = lookupID(filepath.Join(root, "etc", "group"), g, false); err != nil {
			return "", err
		}
	}
	return uid + ":" + gid, nil
}

// lookupID finds name (or a number) in a passwd or group file and returns
// its id and, for passwd, its primary group.
func lookupID(file, name string, passwd bool) (string, string, error) {
	if _, err := strconv.ParseUint(name, 10, 32); err == nil && !passwd {
		return name, "", nil
	}
	f, err := os.Open(file)
	if err != nil {
		if _, perr := strconv.ParseUint(name, 10, 32); perr == nil {
			return name, name, nil
		}
		return "", "", fmt.Errorf("user %s: %w", name, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ":")
		if len(fields) < 3 || fields[0] != name && fields[2] != name {
			continue
		}
		if passwd && len(fields) >= 4 {
			return fields[2], fields[3], nil
		}
		return fields[2], "", nil
	}
	if _, err := strconv.ParseUint(name, 10, 32); err == nil {
		return name, name, nil
	}
	return "", "", fmt.Errorf("user or group %s: not in %s", name, file)
}
