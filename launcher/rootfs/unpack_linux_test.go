package rootfs

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// basicTree is a small, well-formed rootfs archive.
func basicTree(t *testing.T) []byte {
	return makeTar(t,
		tarEntry{name: "./", typ: tar.TypeDir, mode: 0o755},
		tarEntry{name: "bin/", typ: tar.TypeDir, mode: 0o755},
		tarEntry{name: "bin/busybox", body: "#!binary", mode: 0o755},
		tarEntry{name: "bin/sh", typ: tar.TypeSymlink, link: "busybox"},
		tarEntry{name: "etc/passwd", body: "root:x:0:0::/root:/bin/sh\n"},
		tarEntry{name: "etc/passwd-", typ: tar.TypeLink, link: "etc/passwd"},
		tarEntry{name: "usr/lib/os-release", body: "ID=test\n"},
		tarEntry{name: "lib", typ: tar.TypeSymlink, link: "/usr/lib"},
		tarEntry{name: "ro/", typ: tar.TypeDir, mode: 0o555},
		tarEntry{name: "ro/file", body: "x", mode: 0o4755},
	)
}

func TestUnpackTree(t *testing.T) {
	dir := t.TempDir()
	if _, err := Unpack(bytes.NewReader(basicTree(t)), dir); err != nil {
		t.Fatalf("Unpack() = %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "etc/passwd-")); !strings.HasPrefix(string(b), "root:") {
		t.Errorf("hard link content = %q", b)
	}
	if l, _ := os.Readlink(filepath.Join(dir, "lib")); l != "/usr/lib" {
		t.Errorf("symlink lib -> %q, want /usr/lib", l)
	}
	for name, want := range map[string]os.FileMode{"ro": 0o555 | os.ModeDir, "ro/file": 0o755 | os.ModeSetuid, "bin/busybox": 0o755} {
		info, err := os.Lstat(filepath.Join(dir, name))
		if err != nil || info.Mode() != want {
			t.Errorf("mode of %s = %v (%v), want %v", name, info.Mode(), err, want)
		}
	}
	os.Chmod(filepath.Join(dir, "ro"), 0o755) // so that t.TempDir can clean up as non-root
}

// TestUnpackMalicious feeds archives that try to write outside the target:
// each must fail with an error that names the problem, and nothing may
// appear outside the target.
func TestUnpackMalicious(t *testing.T) {
	cases := map[string]struct {
		entries []tarEntry
		want    string
	}{
		"dotdot":   {[]tarEntry{{name: "../escape", body: "x"}}, `".." component`},
		"nested":   {[]tarEntry{{name: "a/../../escape", body: "x"}}, `".." component`},
		"absolute": {[]tarEntry{{name: "/escape", body: "x"}}, "absolute path"},
		"symlink then file through it": {[]tarEntry{
			{name: "evil", typ: tar.TypeSymlink, link: "OUTSIDE"},
			{name: "evil/escape", body: "x"}}, "evil is a symlink"},
		"symlink then dir through it": {[]tarEntry{
			{name: "evil", typ: tar.TypeSymlink, link: "../.."},
			{name: "evil/sub/", typ: tar.TypeDir}}, "evil is a symlink"},
		"symlink replaced by dir": {[]tarEntry{
			{name: "evil", typ: tar.TypeSymlink, link: "OUTSIDE"},
			{name: "evil/", typ: tar.TypeDir}}, "open directory"},
		"hard link to /etc/passwd": {[]tarEntry{{name: "passwd", typ: tar.TypeLink, link: "/etc/passwd"}}, "absolute path"},
		"hard link to etc/passwd":  {[]tarEntry{{name: "passwd", typ: tar.TypeLink, link: "etc/passwd"}}, "no such earlier entry"},
		"hard link via symlink": {[]tarEntry{
			{name: "etc", typ: tar.TypeSymlink, link: "/etc"},
			{name: "passwd", typ: tar.TypeLink, link: "etc/passwd"}}, "etc is a symlink"},
		"hard link dotdot": {[]tarEntry{{name: "x", typ: tar.TypeLink, link: "../outside/file"}}, `".." component`},
		"huge sparse file": {[]tarEntry{{name: "huge", size: 1 << 60}}, "do not fit"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			top := t.TempDir()
			outside := filepath.Join(top, "OUTSIDE")
			os.Mkdir(outside, 0o755)
			os.WriteFile(filepath.Join(outside, "file"), []byte("keep"), 0o644)
			target := filepath.Join(top, "a", "b", "target")
			os.MkdirAll(target, 0o755)
			c.entries[len(c.entries)-1].name = strings.ReplaceAll(c.entries[len(c.entries)-1].name, "OUTSIDE", outside)
			for i := range c.entries {
				c.entries[i].link = strings.ReplaceAll(c.entries[i].link, "OUTSIDE", outside)
			}
			_, err := Unpack(bytes.NewReader(makeTar(t, c.entries...)), target)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Unpack() = %v, want an error containing %q", err, c.want)
			}
			assertOnly(t, top, "OUTSIDE", "OUTSIDE/file", "a", "a/b", "a/b/target")
		})
	}
}

// assertOnly fails unless the tree under top holds exactly the given
// entries outside top/a/b/target.
func assertOnly(t *testing.T, top string, want ...string) {
	t.Helper()
	got := map[string]bool{}
	filepath.Walk(top, func(p string, info os.FileInfo, err error) error {
		rel, _ := filepath.Rel(top, p)
		if rel == "." || strings.HasPrefix(rel, filepath.Join("a", "b", "target")+"/") {
			return nil
		}
		got[rel] = true
		return nil
	})
	for _, w := range want {
		delete(got, w)
	}
	if len(got) != 0 {
		t.Errorf("entries appeared outside the target: %v", got)
	}
	if b, _ := os.ReadFile(filepath.Join(top, "OUTSIDE", "file")); string(b) != "keep" {
		t.Errorf("a file outside the target changed: %q", b)
	}
}

func TestUnpackDevicesOnlyAsRoot(t *testing.T) {
	dir := t.TempDir()
	skipped, err := Unpack(bytes.NewReader(makeTar(t,
		tarEntry{name: "null", typ: tar.TypeChar, mode: 0o666},
		tarEntry{name: "fifo", typ: tar.TypeFifo, mode: 0o600})), dir)
	if err != nil {
		t.Fatalf("Unpack() = %v", err)
	}
	_, nerr := os.Lstat(filepath.Join(dir, "null"))
	if os.Geteuid() == 0 && (nerr != nil || skipped != 0) {
		t.Errorf("as root: device node %v, skipped %d; want it made", nerr, skipped)
	}
	if os.Geteuid() != 0 && (nerr == nil || skipped != 1) {
		t.Errorf("not root: device node made (%v) or skipped = %d, want left out", nerr, skipped)
	}
	if info, err := os.Lstat(filepath.Join(dir, "fifo")); err != nil || info.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("fifo = %v, %v", info, err)
	}
}
