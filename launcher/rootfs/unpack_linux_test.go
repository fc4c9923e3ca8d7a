package rootfs

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/config"
	"golang.org/x/sys/unix"
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
	if _, err := Unpack(bytes.NewReader(basicTree(t)), dir, config.DevicesSkip); err != nil {
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
			_, err := Unpack(bytes.NewReader(makeTar(t, c.entries...)), target, config.DevicesSkip)
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

// devicesTar holds a block device node (the loop device 7:0, as the
// attack of an earlier version used), a character one (1:3) and a fifo.
func devicesTar(t *testing.T) []byte {
	return makeTar(t,
		tarEntry{name: "opt/", typ: tar.TypeDir, mode: 0o755},
		tarEntry{name: "opt/block", typ: tar.TypeBlock, mode: 0o666, major: 7},
		tarEntry{name: "opt/char", typ: tar.TypeChar, mode: 0o666, major: 1, minor: 3},
		tarEntry{name: "opt/fifo", typ: tar.TypeFifo, mode: 0o600})
}

// TestUnpackDevices unpacks an archive with a block and a character
// device node under each rule: skip (the default) leaves both out and
// counts them, refuse fails naming the first, keep makes them as root.
func TestUnpackDevices(t *testing.T) {
	for _, c := range []struct {
		rule    string
		want    DeviceCount
		wantErr string
	}{
		{config.DevicesSkip, DeviceCount{Skipped: 2}, ""},
		{config.DevicesRefuse, DeviceCount{}, `entry "opt/block": a block device node 7:0, and the rootfs block says devices = "refuse"`},
		{config.DevicesKeep, DeviceCount{Made: 2}, ""},
	} {
		t.Run(c.rule, func(t *testing.T) {
			if c.rule == config.DevicesKeep && os.Geteuid() != 0 {
				c.want = DeviceCount{Skipped: 2}
			}
			dir := t.TempDir()
			n, err := Unpack(bytes.NewReader(devicesTar(t)), dir, c.rule)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Errorf("Unpack() = %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil || n != c.want {
				t.Fatalf("Unpack() = %+v, %v; want %+v", n, err, c.want)
			}
			for _, name := range []string{"block", "char"} {
				_, err := os.Lstat(filepath.Join(dir, "opt", name))
				if made := err == nil; made != (c.want.Made > 0) {
					t.Errorf("opt/%s made: %v, want %v", name, made, c.want.Made > 0)
				}
			}
			if info, err := os.Lstat(filepath.Join(dir, "opt", "fifo")); err != nil || info.Mode()&os.ModeNamedPipe == 0 {
				t.Errorf("fifo = %v, %v; want it made under every rule", info, err)
			}
		})
	}
}

// TestUnpackInodes: an archive with more entries than the inodes the
// unpacker may take stops with a message saying so, before making the
// entry that would not fit.
func TestUnpackInodes(t *testing.T) {
	dir := t.TempDir()
	root, err := os.OpenFile(dir, unix.O_PATH|unix.O_DIRECTORY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	u := &unpacker{root: root, devices: config.DevicesSkip, free: 1 << 30, inodes: 3}
	tr := tar.NewReader(bytes.NewReader(makeTar(t,
		tarEntry{name: "a/", typ: tar.TypeDir}, tarEntry{name: "a/1", body: "x"},
		tarEntry{name: "a/1", body: "again"}, tarEntry{name: "a/link", typ: tar.TypeLink, link: "a/1"},
		tarEntry{name: "a/2", body: "x"}, tarEntry{name: "a/3", body: "x"})))
	var got error
	for got == nil {
		hdr, err := tr.Next()
		if err != nil {
			break
		}
		got = u.entry(hdr, tr)
	}
	if got == nil || !strings.Contains(got.Error(), "inodes free") {
		t.Errorf("unpacking 4 inodes' worth with 3 free = %v, want an error about inodes", got)
	}
	if _, err := os.Lstat(filepath.Join(dir, "a", "3")); err == nil {
		t.Error("the entry that did not fit was made")
	}
	for _, name := range []string{"a/1", "a/link", "a/2"} {
		if _, err := os.Lstat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s: %v; a replaced file and a hard link take no inode", name, err)
		}
	}
}
