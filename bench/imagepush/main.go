// Command imagepush builds the image that bench/images.sh pulls and pushes
// it to a registry: LAYERS layers over a static busybox, each holding files
// of text (which compresses) and pseudo-random bytes (which does not),
// about SIZE MiB in all, one whiteout and one opaque directory, made
// deterministically so that every run pulls the same bytes.
//
//	go run ./bench/imagepush -ref 127.0.0.1:5000/bench/img:1 -busybox /bin/busybox
package main

import (
	"archive/tar"
	"bytes"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

func main() {
	ref := flag.String("ref", "", "where to push the image")
	busybox := flag.String("busybox", "/bin/busybox", "a static busybox for the base layer")
	layers := flag.Int("layers", 6, "layers on top of the base")
	size := flag.Int("size", 120, "MiB of files in all")
	flag.Parse()
	if err := run(*ref, *busybox, *layers, *size); err != nil {
		fmt.Fprintln(os.Stderr, "imagepush:", err)
		os.Exit(1)
	}
}

func run(ref, busybox string, n, size int) error {
	bb, err := os.ReadFile(busybox)
	if err != nil {
		return err
	}
	base := []entry{{name: "bin/", dir: true}, {name: "bin/busybox", body: bb, mode: 0o755},
		{name: "bin/true", link: "busybox"}, {name: "bin/sh", link: "busybox"}, {name: "tmp/", dir: true, mode: 0o1777},
		{name: "etc/", dir: true}, {name: "etc/passwd", body: []byte("root:x:0:0::/root:/bin/sh\n")},
		{name: "opt/", dir: true}, {name: "opt/old/", dir: true}, {name: "opt/old/a", body: []byte("a")}, {name: "gone", body: []byte("x")}}
	ls := []v1.Layer{}
	l, err := layer(base)
	if err != nil {
		return err
	}
	ls = append(ls, l)
	rnd := rand.New(rand.NewPCG(1, 2))
	per := size << 20 / n
	for i := range n {
		es := files(rnd, fmt.Sprintf("usr/share/l%d", i), per)
		if i == 0 {
			es = append(es, entry{name: ".wh.gone"}, entry{name: "opt/old/.wh..wh..opq"}, entry{name: "opt/old/b", body: []byte("b")})
		}
		l, err := layer(es)
		if err != nil {
			return err
		}
		ls = append(ls, l)
	}
	img, err := mutate.AppendLayers(empty.Image, ls...)
	var cf *v1.ConfigFile
	if err == nil {
		cf, err = img.ConfigFile()
	}
	if err == nil {
		cf.OS, cf.Architecture = "linux", runtime.GOARCH
		cf.Config = v1.Config{Cmd: []string{"/bin/true"}, Env: []string{"PATH=/bin"}}
		img, err = mutate.ConfigFile(img, cf)
	}
	if err != nil {
		return err
	}
	r, err := name.ParseReference(ref)
	if err != nil {
		return err
	}
	return remote.Write(r, img)
}

type entry struct {
	name, link string
	body       []byte
	mode       int64
	dir        bool
}

// files makes about total bytes of files under dir: two thirds text, a
// third random, in sizes from 1 KiB to 1 MiB.
func files(rnd *rand.Rand, dir string, total int) []entry {
	es := []entry{{name: "usr/", dir: true}, {name: "usr/share/", dir: true}, {name: dir + "/", dir: true}}
	words := strings.Fields("the quick brown fox jumps over the lazy dog sandbox image layer overlay digest registry")
	for i := 0; total > 0; i++ {
		n := min(total, 1<<10<<rnd.IntN(11))
		body := make([]byte, n)
		if i%3 == 2 {
			for j := range body {
				body[j] = byte(rnd.Uint32())
			}
		} else {
			var b bytes.Buffer
			for b.Len() < n {
				b.WriteString(words[rnd.IntN(len(words))])
				b.WriteByte(" \n"[rnd.IntN(2)])
			}
			body = b.Bytes()[:n]
		}
		es = append(es, entry{name: fmt.Sprintf("%s/f%05d", dir, i), body: body})
		total -= n
	}
	return es
}

func layer(es []entry) (v1.Layer, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range es {
		hdr := &tar.Header{Name: e.name, Mode: e.mode, Size: int64(len(e.body)), ModTime: time.Unix(1700000000, 0), Typeflag: tar.TypeReg}
		switch {
		case e.dir:
			hdr.Typeflag = tar.TypeDir
		case e.link != "":
			hdr.Typeflag, hdr.Linkname = tar.TypeSymlink, e.link
		}
		if hdr.Mode == 0 {
			hdr.Mode = 0o644
			if e.dir {
				hdr.Mode = 0o755
			}
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		tw.Write(e.body)
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	b := buf.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil })
}
