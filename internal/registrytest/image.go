package registrytest

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// Entry is one entry of a test layer.
type Entry struct {
	Name, Body, Link string
	Type             byte
	Mode             int64
	UID, GID         int
}

// Layer makes a gzip-compressed layer of the entries.
func Layer(t testing.TB, entries ...Entry) v1.Layer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		hdr := &tar.Header{Name: e.Name, Linkname: e.Link, Typeflag: e.Type, Mode: e.Mode, Size: int64(len(e.Body)),
			Uid: e.UID, Gid: e.GID, ModTime: time.Unix(1700000000, 0), Format: tar.FormatPAX}
		if hdr.Typeflag == 0 {
			hdr.Typeflag = tar.TypeReg
		}
		if hdr.Mode == 0 {
			hdr.Mode = 0o644
			if hdr.Typeflag == tar.TypeDir {
				hdr.Mode = 0o755
			}
		}
		if hdr.Typeflag != tar.TypeReg {
			hdr.Size = 0
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if hdr.Size > 0 {
			tw.Write([]byte(e.Body))
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// Paths the test image's command reports on, and what a sandbox of the
// image must see there.
var (
	// Checked is the command of the test image: the probe's files report
	// of these paths.
	Checked = []string{"/gone.txt", "/opt/old/a", "/opt/old/b", "/data/orig", "/data/link", "/data/x"}
)

// Image builds the test image: three layers over the probe binary, with
// a whiteout (/gone.txt), an opaque directory (/opt/old), a hard link
// (/data/link to /data/orig) and a configuration with Entrypoint, Cmd,
// Env, WorkingDir and User. tag goes into a file, so that two tags make
// two images.
func Image(t testing.TB, probe, tag string) v1.Image {
	t.Helper()
	bin, err := os.ReadFile(probe)
	if err != nil {
		t.Fatal(err)
	}
	base := Layer(t,
		Entry{Name: "./", Type: tar.TypeDir},
		Entry{Name: "probe", Body: string(bin), Mode: 0o755},
		Entry{Name: "etc/", Type: tar.TypeDir},
		Entry{Name: "etc/passwd", Body: "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/work:/bin/sh\n"},
		Entry{Name: "etc/group", Body: "root:x:0:\napp:x:1000:\n"},
		Entry{Name: "gone.txt", Body: "removed by the next layer"},
		Entry{Name: "opt/", Type: tar.TypeDir},
		Entry{Name: "opt/old/", Type: tar.TypeDir},
		Entry{Name: "opt/old/a", Body: "hidden by the opaque directory above"},
		Entry{Name: "data/", Type: tar.TypeDir},
		Entry{Name: "data/x", Body: "x"},
		Entry{Name: "work/", Type: tar.TypeDir, UID: 1000, GID: 1000},
		Entry{Name: "tmp/", Type: tar.TypeDir, Mode: 0o1777},
	)
	mid := Layer(t,
		Entry{Name: ".wh.gone.txt"},
		Entry{Name: "data/", Type: tar.TypeDir},
		Entry{Name: "data/orig", Body: "shared"},
		Entry{Name: "data/link", Type: tar.TypeLink, Link: "data/orig"},
	)
	top := Layer(t,
		Entry{Name: "opt/", Type: tar.TypeDir},
		Entry{Name: "opt/old/", Type: tar.TypeDir},
		Entry{Name: "opt/old/.wh..wh..opq"},
		Entry{Name: "opt/old/b", Body: "b"},
		Entry{Name: "etc/tag", Body: tag},
	)
	img, err := mutate.AppendLayers(empty.Image, base, mid, top)
	if err != nil {
		t.Fatal(err)
	}
	img, err = mutate.Config(img, v1.Config{
		Entrypoint:   []string{"/probe"},
		Cmd:          append([]string{"files"}, Checked...),
		Env:          []string{"PATH=/bin:/usr/bin", "IMAGE_VAR=from-image"},
		WorkingDir:   "/work",
		User:         "1000:1000",
		ExposedPorts: map[string]struct{}{"8080/tcp": {}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// Push writes img to the registry as ref and returns its digest.
func Push(t testing.TB, ref string, img v1.Image) string {
	t.Helper()
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img); err != nil {
		t.Fatalf("push %s: %v", ref, err)
	}
	d, _ := img.Digest()
	return d.String()
}

// WriteLayout writes img into a new OCI layout at dir, named n.
func WriteLayout(t testing.TB, dir, n string, img v1.Image) {
	t.Helper()
	p, err := layout.Write(dir, empty.Index)
	if err == nil {
		err = p.AppendImage(img, layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": n}))
	}
	if err != nil {
		t.Fatalf("write layout %s: %v", dir, err)
	}
}

// WriteArchive writes img as a `docker save` archive tagged tag.
func WriteArchive(t testing.TB, path, tag string, img v1.Image) {
	t.Helper()
	tg, err := name.NewTag(tag)
	if err == nil {
		err = tarball.WriteToFile(path, tg, img)
	}
	if err != nil {
		t.Fatalf("write archive %s: %v", path, err)
	}
}
