package main

import (
	"os"
	"path/filepath"
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
		got, err := numericUser(c.in, root)
		if err != nil || got != c.want {
			t.Errorf("numericUser(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	if got, err := numericUser("nobody", root); err == nil {
		t.Errorf("numericUser(nobody) = %q, want an error: not in the rootfs", got)
	}
}

func TestMakeBundleDirRefusesNonEmpty(t *testing.T) {
	dir := t.TempDir()
	if err := makeBundleDir(filepath.Join(dir, "new")); err != nil {
		t.Errorf("makeBundleDir(new) = %v", err)
	}
	if err := makeBundleDir(dir); err == nil {
		t.Errorf("makeBundleDir(%s) with an entry = nil, want an error", dir)
	}
}
