package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/config"
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

// TestOpenBundleDir: --out is made, or must be an empty directory of the
// caller's own; a directory with an entry, a symlink, or (as root) another
// user's directory is refused.
func TestOpenBundleDir(t *testing.T) {
	dir := t.TempDir()
	d, err := openBundleDir(filepath.Join(dir, "new", "bundle"))
	if err != nil {
		t.Fatalf("openBundleDir(new) = %v", err)
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
		if d, err := openBundleDir(p); err == nil || !strings.Contains(err.Error(), want) {
			if d != nil {
				d.Close()
			}
			t.Errorf("openBundleDir(%s) = %v, want an error saying %q", p, err, want)
		}
	}
}

// TestUnpinnedImagesWarned: up --on slurm warns of an image no lock file
// pins, whose tag each node would resolve for itself, and not of a
// pinned one.
func TestUnpinnedImagesWarned(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.hcl")
	os.WriteFile(file, []byte("sandbox \"pinned\" {\n  image = \"alpine:3\"\n}\nsandbox \"loose\" {\n  image = \"alpine:3\"\n}\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "sandbox.lock.hcl"), []byte("sandbox \"pinned\" {\n  image = \"alpine:3\"\n  digest = \"sha256:00\"\n}\n"), 0o644)
	cfg, diags := config.Load([]string{file})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	w := unpinnedImages(cfg.Sandboxes)
	if len(w) != 1 || !strings.HasPrefix(w[0], "loose: image alpine:3 is not pinned") {
		t.Errorf("unpinnedImages() = %q, want one warning, for loose", w)
	}
}
