package launcher

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/registrytest"
	"github.com/hclsandbox/sandbox/internal/testenv"
	"github.com/hclsandbox/sandbox/launcher/image"
	"github.com/hclsandbox/sandbox/launcher/rootfs"
)

// imageSandbox is a sandbox of the image named v, declared in a file of
// its own directory (where its lock file goes).
func imageSandbox(t *testing.T, v string) *config.Sandbox {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "sandbox.hcl")
	src := "sandbox \"app\" {\n  image = \"" + v + "\"\n}\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, diags := config.Load([]string{file})
	if diags.HasErrors() {
		t.Fatalf("load %s: %v", file, diags)
	}
	return cfg.Sandboxes[0]
}

// filesReport is the probe's `files` report.
type filesReport struct {
	UID   int      `json:"uid"`
	Cwd   string   `json:"cwd"`
	Env   []string `json:"env"`
	Files map[string]struct {
		Exists  bool   `json:"exists"`
		Content string `json:"content"`
		Inode   uint64 `json:"inode"`
	} `json:"files"`
}

// runImage prepares and runs s as its image's configuration says, and
// decodes the probe's report.
func runImage(t *testing.T, s *config.Sandbox, o PrepareOptions) (*PreparedRootfs, *filesReport) {
	t.Helper()
	p, err := PrepareRootfs(context.Background(), s, o)
	if err != nil {
		t.Fatalf("PrepareRootfs() = %v", err)
	}
	defer p.Lease.Close()
	out, res := runPlan(t, NewImagePlan(s, probeTestHost(), p.Image))
	if res.ExitCode != 0 {
		t.Fatalf("image sandbox: exit %d (%s)", res.ExitCode, res.Describe())
	}
	var r filesReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("decode report %q: %v", out, err)
	}
	return p, &r
}

// checkImageTree checks what the test image must show inside: the
// whiteout, the opaque directory, the hard link, and the configuration.
func checkImageTree(t *testing.T, r *filesReport) {
	t.Helper()
	f := r.Files
	if f["/gone.txt"].Exists {
		t.Error("/gone.txt is visible: the whiteout of the second layer did not hide it")
	}
	if f["/opt/old/a"].Exists || f["/opt/old/b"].Content != "b" {
		t.Errorf("/opt/old: a %v, b %q; want a hidden by the opaque directory and b there", f["/opt/old/a"].Exists, f["/opt/old/b"].Content)
	}
	if !f["/data/x"].Exists {
		t.Error("/data/x of the first layer is gone: directories of two layers did not merge")
	}
	if o, l := f["/data/orig"], f["/data/link"]; o.Content != "shared" || o.Inode == 0 || o.Inode != l.Inode {
		t.Errorf("/data/orig %+v and /data/link %+v: want one inode, content \"shared\"", o, l)
	}
	if r.UID != 1000 || r.Cwd != "/work" || !containsString(r.Env, "IMAGE_VAR=from-image") {
		t.Errorf("uid %d, cwd %q, env %v; want the image's user 1000, workdir /work and IMAGE_VAR", r.UID, r.Cwd, r.Env)
	}
}

func containsString(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// pushed starts a registry with the test image at tag v1.
func pushed(t *testing.T) (*registrytest.Registry, string) {
	t.Helper()
	reg := registrytest.Start(t)
	ref := reg.Host + "/test/probe:v1"
	registrytest.Push(t, ref, registrytest.Image(t, testenv.Probe(t), "v1"))
	return reg, ref
}

// TestImagePullAndRun pulls the test image from a registry and runs it:
// whiteouts, the opaque directory, the hard link and the image's
// configuration all hold inside. A second start unpacks nothing and
// fetches no blob.
func TestImagePullAndRun(t *testing.T) {
	testenv.RequireRoot(t)
	reg := registrytest.Start(t)
	proxy := registrytest.NewProxy(t, reg)
	img := registrytest.Image(t, testenv.Probe(t), "v1")
	registrytest.Push(t, reg.Host+"/test/probe:v1", img)
	s := imageSandbox(t, proxy.Host+"/test/probe:v1")
	o := PrepareOptions{Home: t.TempDir()}
	p, r := runImage(t, s, o)
	checkImageTree(t, r)
	if !p.Unpacked {
		t.Error("first start: Unpacked = false")
	}
	layers, _ := img.Layers()
	before := layerTimes(t, p.Image.Layers)
	p2, r2 := runImage(t, s, o)
	checkImageTree(t, r2)
	if p2.Unpacked || !equalTimes(before, layerTimes(t, p2.Image.Layers)) {
		t.Errorf("second start: unpacked %v or a layer directory changed; want nothing unpacked", p2.Unpacked)
	}
	for _, l := range layers {
		d, _ := l.Digest()
		if n := proxy.BlobGets(d.String()); n != 1 {
			t.Errorf("layer %s fetched %d times over two starts, want once", d, n)
		}
	}
}

func layerTimes(t *testing.T, dirs []string) []int64 {
	var out []int64
	for _, d := range dirs {
		info, err := os.Stat(d)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, info.ModTime().UnixNano())
	}
	return out
}

func equalTimes(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestImagePinnedOffline: once locked and pulled, the image runs with its
// registry stopped: a start reads no source for an image the store holds,
// and one that checks (as pull does) falls back to the store.
func TestImagePinnedOffline(t *testing.T) {
	testenv.RequireRoot(t)
	reg, ref := pushed(t)
	s := imageSandbox(t, ref)
	o := PrepareOptions{Home: t.TempDir()}
	if _, err := LockRootfs(context.Background(), []*config.Sandbox{s}); err != nil {
		t.Fatal(err)
	}
	runImage(t, s, o)
	reg.Stop()
	lock, _ := rootfs.ReadLock(rootfs.LockPath(s.File))
	p, r := runImage(t, s, o)
	checkImageTree(t, r)
	if p.Image.Digest != lock.Entries["app"].Digest {
		t.Errorf("ran %s, the lock pins %s", p.Image.Digest, lock.Entries["app"].Digest)
	}
	o.CheckImages = true
	p, r = runImage(t, s, o)
	checkImageTree(t, r)
	if p.Offline == nil || p.Image.Digest != lock.Entries["app"].Digest {
		t.Errorf("checked start, registry stopped: offline %v, ran %s; want the reason and the pinned %s", p.Offline, p.Image.Digest, lock.Entries["app"].Digest)
	}
}

// TestImageMovedTag: a tag pushed again after it was locked is refused,
// naming both digests, wherever its source is read: by a pull (which
// checks) and by a start on a store that lacks the pinned image. A start
// on a store that holds it runs the pinned image. --update-lock takes the
// new one and records it.
func TestImageMovedTag(t *testing.T) {
	_, ref := pushed(t)
	s := imageSandbox(t, ref)
	home := t.TempDir()
	if _, err := LockRootfs(context.Background(), []*config.Sandbox{s}); err != nil {
		t.Fatal(err)
	}
	lock, _ := rootfs.ReadLock(rootfs.LockPath(s.File))
	pinned := lock.Entries["app"].Digest
	if p, err := PrepareRootfs(context.Background(), s, PrepareOptions{Home: home}); err != nil {
		t.Fatal(err)
	} else {
		p.Lease.Close()
	}
	moved := registrytest.Push(t, ref, registrytest.Image(t, testenv.Probe(t), "v2"))
	for _, o := range []PrepareOptions{{Home: home, CheckImages: true}, {Home: t.TempDir()}} {
		_, err := PrepareRootfs(context.Background(), s, o)
		var me *image.MovedError
		if !errors.As(err, &me) || !strings.Contains(err.Error(), pinned) || !strings.Contains(err.Error(), moved) {
			t.Errorf("PrepareRootfs(moved tag, check %v) = %v; want a refusal naming %s and %s", o.CheckImages, err, pinned, moved)
		}
	}
	p, err := PrepareRootfs(context.Background(), s, PrepareOptions{Home: home})
	if err != nil || p.Image.Digest != pinned {
		t.Fatalf("start on a store with the pinned image = %v; want it to run %s", err, pinned)
	}
	p.Lease.Close()
	p, err = PrepareRootfs(context.Background(), s, PrepareOptions{Home: home, UpdateLock: true})
	if err != nil {
		t.Fatalf("PrepareRootfs(--update-lock) = %v", err)
	}
	p.Lease.Close()
	lock, _ = rootfs.ReadLock(rootfs.LockPath(s.File))
	if p.Image.Digest != moved || lock.Entries["app"].Digest != moved {
		t.Errorf("after --update-lock: ran %s, lock pins %s; want %s", p.Image.Digest, lock.Entries["app"].Digest, moved)
	}
}

// TestImageCorruptBlob: a layer blob whose bytes the registry changed is
// refused, and the store holds nothing of it afterwards.
func TestImageCorruptBlob(t *testing.T) {
	reg := registrytest.Start(t)
	img := registrytest.Image(t, testenv.Probe(t), "v1")
	ref := reg.Host + "/test/probe:v1"
	registrytest.Push(t, ref, img)
	layers, _ := img.Layers()
	d, _ := layers[0].Digest()
	blob := reg.BlobPath(d.String())
	b, err := os.ReadFile(blob)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(blob, b, 0o644); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	_, err = PrepareRootfs(context.Background(), imageSandbox(t, ref), PrepareOptions{Home: home})
	if err == nil {
		t.Fatal("PrepareRootfs(corrupted blob) succeeded")
	}
	diffID, _ := layers[0].DiffID()
	store := image.NewStore(home)
	if _, serr := os.Stat(store.LayerDir(diffID.String())); serr == nil {
		t.Errorf("the corrupted layer was stored (error was %v)", err)
	}
	if left := entries(t, filepath.Join(store.Dir, "tmp")); len(left) > 0 {
		t.Errorf("left behind in the store: %v", left)
	}
	if list, _ := store.List(); len(list) > 0 {
		t.Errorf("the store lists %d images after a failed pull", len(list))
	}
}

func entries(t *testing.T, dir string) []string {
	es, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

// TestImageSourcesSameTree: the test image from a registry, from an OCI
// layout directory and from a docker save archive gives the same tree.
func TestImageSourcesSameTree(t *testing.T) {
	reg, ref := pushed(t)
	img := registrytest.Image(t, testenv.Probe(t), "v1")
	dir := t.TempDir()
	registrytest.WriteLayout(t, filepath.Join(dir, "layout"), "v1", img)
	registrytest.WriteArchive(t, filepath.Join(dir, "img.tar"), "test/probe:v1", img)
	var digests []string
	for _, v := range []string{ref, "oci:" + dir + "/layout:v1", "docker-archive:" + dir + "/img.tar"} {
		p, err := PrepareRootfs(context.Background(), imageSandbox(t, v), PrepareOptions{Home: t.TempDir()})
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		p.Lease.Close()
		digests = append(digests, treeDigest(t, p.Image))
	}
	if digests[0] != digests[1] || digests[0] != digests[2] {
		t.Errorf("tree digests: registry %s, layout %s, archive %s; want one", digests[0], digests[1], digests[2])
	}
	_ = reg
}

// treeDigest is the digest of the tree an image's layers show.
func treeDigest(t *testing.T, img *image.Image) string {
	t.Helper()
	dir := t.TempDir()
	r, w := io.Pipe()
	go func() { w.CloseWithError(image.Flatten(img.Layers, img.UserXattr, w)) }()
	if _, err := rootfs.Unpack(r, dir, config.DevicesKeep); err != nil {
		t.Fatalf("flatten: %v", err)
	}
	d, err := rootfs.Digest(dir)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestImageConcurrentPulls: two pulls of one image into one store at
// once fetch and unpack each layer once.
func TestImageConcurrentPulls(t *testing.T) {
	reg := registrytest.Start(t)
	proxy := registrytest.NewProxy(t, reg)
	img := registrytest.Image(t, testenv.Probe(t), "v1")
	registrytest.Push(t, reg.Host+"/test/probe:v1", img)
	s := imageSandbox(t, proxy.Host+"/test/probe:v1")
	home := t.TempDir()
	var wg sync.WaitGroup
	results := make([]*PreparedRootfs, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = PrepareRootfs(context.Background(), s, PrepareOptions{Home: home})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("pull %d: %v", i, err)
		}
		results[i].Lease.Close()
	}
	layers, _ := img.Layers()
	for _, l := range layers {
		d, _ := l.Digest()
		if n := proxy.BlobGets(d.String()); n != 1 {
			t.Errorf("layer %s fetched %d times by two concurrent pulls, want once", d, n)
		}
	}
}
