package rootfs

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// layerOptions is the form this test process can write: trusted.* needs
// CAP_SYS_ADMIN.
func layerOptions() LayerOptions { return LayerOptions{UserXattr: os.Geteuid() != 0} }

func opaqueXattr(o LayerOptions) string {
	if o.UserXattr {
		return "user.overlay.opaque"
	}
	return "trusted.overlay.opaque"
}

// isWhiteout reports whether p is overlayfs's whiteout, a char device 0:0.
func isWhiteout(t *testing.T, p string) bool {
	var st unix.Stat_t
	if err := unix.Lstat(p, &st); err != nil {
		return false
	}
	return st.Mode&unix.S_IFMT == unix.S_IFCHR && st.Rdev == 0
}

func getXattr(p, name string) string {
	buf := make([]byte, 256)
	n, err := unix.Lgetxattr(p, name, buf)
	if err != nil {
		return ""
	}
	return string(buf[:n])
}

// TestUnpackLayerWhiteouts turns the image format's whiteouts into
// overlayfs's: .wh.NAME becomes a char device 0:0, .wh..wh..opq an opaque
// xattr, a directory that follows a whiteout of its name hides the
// layers below, and a whiteout never removes what its own layer made.
func TestUnpackLayerWhiteouts(t *testing.T) {
	o := layerOptions()
	dir := t.TempDir()
	layer := makeTar(t,
		tarEntry{name: "etc/", typ: tar.TypeDir, mode: 0o755},
		tarEntry{name: "etc/.wh.old.conf", body: ""},
		tarEntry{name: "opt/", typ: tar.TypeDir, mode: 0o755},
		tarEntry{name: "opt/.wh..wh..opq", body: ""},
		tarEntry{name: "opt/new", body: "new"},
		tarEntry{name: ".wh.var", body: ""},
		tarEntry{name: "var/", typ: tar.TypeDir, mode: 0o755},
		tarEntry{name: "keep", body: "mine"},
		tarEntry{name: ".wh.keep", body: ""},
		tarEntry{name: ".wh..wh.plnk", typ: tar.TypeDir, mode: 0o700},
		tarEntry{name: "data", body: "x"},
		tarEntry{name: "data2", typ: tar.TypeLink, link: "data"},
	)
	if _, err := UnpackLayer(bytes.NewReader(layer), dir, o); err != nil {
		t.Fatalf("UnpackLayer() = %v", err)
	}
	if !isWhiteout(t, filepath.Join(dir, "etc/old.conf")) {
		t.Error("etc/.wh.old.conf did not become a whiteout etc/old.conf")
	}
	if _, err := os.Lstat(filepath.Join(dir, "etc/.wh.old.conf")); err == nil {
		t.Error("the .wh. entry itself was unpacked")
	}
	for _, d := range []string{"opt", "var"} {
		if got := getXattr(filepath.Join(dir, d), opaqueXattr(o)); got != "y" {
			t.Errorf("%s: %s = %q, want \"y\"", d, opaqueXattr(o), got)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "opt/new")); string(b) != "new" {
		t.Errorf("opt/new = %q: the opaque directory lost its own layer's file", b)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "keep")); string(b) != "mine" {
		t.Errorf("keep = %q: a whiteout removed its own layer's file", b)
	}
	if _, err := os.Lstat(filepath.Join(dir, ".wh..wh.plnk")); err == nil {
		t.Error("AUFS metadata .wh..wh.plnk was unpacked")
	}
	a, _ := os.Stat(filepath.Join(dir, "data"))
	b, _ := os.Stat(filepath.Join(dir, "data2"))
	if a == nil || b == nil || !os.SameFile(a, b) {
		t.Error("data2 is not a hard link of data")
	}
}

// TestUnpackLayerMalicious: whiteouts that name no entry, or that go
// through a symlink, are refused and nothing appears outside the layer.
func TestUnpackLayerMalicious(t *testing.T) {
	cases := map[string]struct {
		entries []tarEntry
		want    string
	}{
		"whiteout of ..":    {[]tarEntry{{name: "a/", typ: tar.TypeDir}, {name: "a/.wh...", body: ""}}, "not a name"},
		"empty whiteout":    {[]tarEntry{{name: ".wh.", body: ""}}, "not a name"},
		"dotdot whiteout":   {[]tarEntry{{name: "../.wh.x", body: ""}}, `".." component`},
		"through a symlink": {[]tarEntry{{name: "evil", typ: tar.TypeSymlink, link: "OUTSIDE"}, {name: "evil/.wh.victim", body: ""}}, "symlink"},
		"opaque through a symlink": {[]tarEntry{{name: "evil", typ: tar.TypeSymlink, link: "OUTSIDE"},
			{name: "evil/.wh..wh..opq", body: ""}}, "symlink"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			base := t.TempDir()
			outside := filepath.Join(base, "outside")
			os.Mkdir(outside, 0o755)
			os.WriteFile(filepath.Join(outside, "victim"), []byte("v"), 0o644)
			dir := filepath.Join(base, "layer")
			os.Mkdir(dir, 0o755)
			for i := range c.entries {
				c.entries[i].link = strings.ReplaceAll(c.entries[i].link, "OUTSIDE", outside)
			}
			_, err := UnpackLayer(bytes.NewReader(makeTar(t, c.entries...)), dir, layerOptions())
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("UnpackLayer() = %v, want an error containing %q", err, c.want)
			}
			if b, _ := os.ReadFile(filepath.Join(outside, "victim")); string(b) != "v" || isWhiteout(t, filepath.Join(outside, "victim")) {
				t.Error("the victim outside the layer changed")
			}
			if getXattr(outside, opaqueXattr(layerOptions())) != "" || getXattr(base, opaqueXattr(layerOptions())) != "" {
				t.Error("a directory outside the layer was marked opaque")
			}
		})
	}
}

// TestUnpackLayerXattrs keeps user.* attributes and drops overlayfs's own
// marks, which a layer could otherwise use to redirect or hide paths of
// the layers below.
func TestUnpackLayerXattrs(t *testing.T) {
	dir := t.TempDir()
	layer := makeTar(t,
		tarEntry{name: "f", body: "x", xattrs: map[string]string{
			"user.mime":              "text/plain",
			"user.overlay.redirect":  "/etc",
			"trusted.overlay.origin": "x",
			"security.selinux":       "system_u:object_r:etc_t:s0",
		}},
		tarEntry{name: "d/", typ: tar.TypeDir, xattrs: map[string]string{"trusted.overlay.opaque": "y", "user.overlay.opaque": "y"}},
	)
	if _, err := UnpackLayer(bytes.NewReader(layer), dir, layerOptions()); err != nil {
		t.Fatalf("UnpackLayer() = %v", err)
	}
	f := filepath.Join(dir, "f")
	if got := getXattr(f, "user.mime"); got != "text/plain" {
		t.Errorf("user.mime = %q, want text/plain", got)
	}
	for _, name := range []string{"user.overlay.redirect", "trusted.overlay.origin", "security.selinux"} {
		if got := getXattr(f, name); got != "" && !(name == "security.selinux" && got != "system_u:object_r:etc_t:s0") {
			t.Errorf("%s = %q, want it left out", name, got)
		}
	}
	for _, name := range []string{"trusted.overlay.opaque", "user.overlay.opaque"} {
		if got := getXattr(filepath.Join(dir, "d"), name); got != "" {
			t.Errorf("d: %s = %q from the archive, want it left out", name, got)
		}
	}
}
