package launcher

import (
	"archive/tar"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/hclsandbox/sandbox/internal/registrytest"
	"github.com/hclsandbox/sandbox/internal/testenv"
)

// ownedImageLayout writes into dir an OCI layout of an image with busybox,
// files owned by 42 and 65534 (one in a directory of 42's that its owner
// alone may change), a whiteout and an opaque directory.
func ownedImageLayout(t *testing.T, dir string) {
	t.Helper()
	bb, err := os.ReadFile("/bin/busybox")
	if err != nil {
		testenv.Missing(t, "needs /bin/busybox (Debian's busybox-static)")
	}
	type E = registrytest.Entry
	base := registrytest.Layer(t,
		E{Name: "./", Type: tar.TypeDir},
		E{Name: "bin/", Type: tar.TypeDir},
		E{Name: "bin/busybox", Body: string(bb), Mode: 0o755},
		E{Name: "owned-42", Body: "42", UID: 42, GID: 42},
		E{Name: "owned-65534", Body: "nobody", UID: 65534, GID: 65534},
		E{Name: "dir-42/", Type: tar.TypeDir, UID: 42, GID: 42},
		E{Name: "dir-42/f", Body: "f", UID: 42, GID: 42},
		E{Name: "gone", Body: "whited out above"},
		E{Name: "opt/", Type: tar.TypeDir},
		E{Name: "opt/a", Body: "hidden by the opaque directory above"},
	)
	top := registrytest.Layer(t,
		E{Name: ".wh.gone"},
		E{Name: "opt/", Type: tar.TypeDir},
		E{Name: "opt/.wh..wh..opq"},
		E{Name: "opt/b", Body: "b", UID: 42, GID: 42},
	)
	img, err := mutate.AppendLayers(empty.Image, base, top)
	if err != nil {
		t.Fatal(err)
	}
	registrytest.WriteLayout(t, dir, "owned", img)
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil {
			os.Chmod(p, info.Mode().Perm()|0o755)
		}
		return nil
	})
}

// A user with subordinate ranges pulls an image whose layers keep their
// owners inside, shifted into the ranges on the host, whiteouts and
// opaque directories working as ever; sandbox prune, as that user,
// removes the layers although the user cannot from outside. The owners
// inside were all root while layers were unpacked as the caller.
func TestRootlessImageKeepsOwners(t *testing.T) {
	testenv.RequireRoot(t)
	u := newSubIDUser(t, 65536)
	bin := testenv.Build(t, "github.com/hclsandbox/sandbox/cmd/sandbox")
	work := t.TempDir()
	os.Chmod(work, 0o755)
	os.Chmod(filepath.Dir(work), 0o755)
	layout := filepath.Join(work, "layout")
	ownedImageLayout(t, layout)
	conf := filepath.Join(work, "conf")
	if err := os.Mkdir(conf, 0o755); err != nil {
		t.Fatal(err)
	}
	os.Chown(conf, int(u.uid), int(u.gid))
	body := fmt.Sprintf("sandbox \"s\" {\n  image   = \"oci:%s\"\n  command = [\"/bin/busybox\", \"sh\", \"-c\", %q]\n}\n", layout,
		"busybox stat -c %u:%g / /owned-42 /owned-65534 /dir-42/f /opt/b; busybox ls /opt; busybox test -e /gone || echo gone")
	stdout, stderr, code := u.sandboxAs(t, bin, filepath.Join(conf, "image.hcl"), "s", body, "/usr/bin:/bin")
	want := "0:0 42:42 65534:65534 42:42 42:42 b gone"
	if got := strings.Join(strings.Fields(stdout), " "); code != 0 || got != want {
		t.Fatalf("inside the image: %q (exit %d), want %q\nstderr: %s", got, code, want, stderr)
	}
	layers, _ := filepath.Glob(filepath.Join(u.run, "images", "layers", "sha256-*"))
	found := false
	for _, l := range layers {
		var st syscall.Stat_t
		if syscall.Lstat(filepath.Join(l, "owned-42"), &st) == nil {
			found = true
			if st.Uid != u.start+41 || !strings.Contains(filepath.Base(l), "-ids-") {
				t.Errorf("layer %s: owned-42 is uid %d on the host, want %d, in a layer named after the maps", l, st.Uid, u.start+41)
			}
		}
	}
	if !found {
		t.Fatalf("no layer in %q holds owned-42", layers)
	}
	if out, errOut, code := u.commandAs(t, "/usr/bin:/bin", bin, "prune"); code != 0 {
		t.Fatalf("prune: exit %d: %s %s", code, out, errOut)
	}
	for _, d := range []string{"layers", "tmp"} {
		left, _ := filepath.Glob(filepath.Join(u.run, "images", d, "*"))
		if len(left) > 0 {
			t.Errorf("after prune, images/%s holds %q", d, left)
		}
	}
}
