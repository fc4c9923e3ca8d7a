package oci

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNumericUser(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "etc"), 0o755)
	os.WriteFile(filepath.Join(root, "etc", "passwd"), []byte("root:x:0:0::/root:/bin/sh\nweb:x:1000:1001::/:/bin/false\n"), 0o644)
	os.WriteFile(filepath.Join(root, "etc", "group"), []byte("root:x:0:\nstaff:x:50:\n"), 0o644)
	for _, c := range []struct{ in, want string }{
		{"", ""}, {"web", "1000:1001"}, {"web:staff", "1000:50"}, {"1000", "1000:1001"},
		{"4242", "4242:4242"}, {"4242:7", "4242:7"}, {"root:staff", "0:50"},
	} {
		got, err := NumericUser(c.in, root)
		if err != nil || got != c.want {
			t.Errorf("NumericUser(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	if got, err := NumericUser("nobody", root); err == nil {
		t.Errorf("NumericUser(nobody) = %q, want an error: not in the rootfs", got)
	}
}

// TestOpenBundleDir: --out is made, or must be an empty directory of the
// caller's own; a directory with an entry, a symlink, or (as root) another
// user's directory is refused.
func TestOpenBundleDir(t *testing.T) {
	dir := t.TempDir()
	d, err := OpenDir(filepath.Join(dir, "new", "bundle"))
	if err != nil {
		t.Fatalf("OpenDir(new) = %v", err)
	}
	d.Close()
	os.Symlink(filepath.Join(dir, "new", "bundle"), filepath.Join(dir, "link"))
	cases := map[string]string{dir: "is not empty", filepath.Join(dir, "link"): "not a symlink"}
	if os.Geteuid() == 0 {
		theirs := filepath.Join(t.TempDir(), "theirs")
		os.Mkdir(theirs, 0o777)
		os.Chown(theirs, 65534, 65534)
		cases[theirs] = "belongs to uid 65534"
	}
	for p, want := range cases {
		if d, err := OpenDir(p); err == nil || !strings.Contains(err.Error(), want) {
			if d != nil {
				d.Close()
			}
			t.Errorf("OpenDir(%s) = %v, want an error saying %q", p, err, want)
		}
	}
}
