package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/hclsandbox/sandbox/internal/registrytest"
	"github.com/hclsandbox/sandbox/internal/testenv"
	"github.com/hclsandbox/sandbox/launcher/image"
)

// pullSetup pushes the test image behind a proxy and writes a
// configuration that names it; it returns the proxy, the configuration,
// the store's home and the digest and diff id of the image's first
// (largest) layer.
func pullSetup(t *testing.T) (p *registrytest.Proxy, file, home, digest, diffID string) {
	reg := registrytest.Start(t)
	p = registrytest.NewProxy(t, reg)
	img := registrytest.Image(t, testenv.Probe(t), "v1")
	registrytest.Push(t, reg.Host+"/test/probe:v1", img)
	layers, _ := img.Layers()
	d, _ := layers[0].Digest()
	id, _ := layers[0].DiffID()
	dir := t.TempDir()
	file = filepath.Join(dir, "app.hcl")
	os.WriteFile(file, []byte("sandbox \"app\" {\n  image = \""+p.Host+"/test/probe:v1\"\n}\n"), 0o644)
	return p, file, filepath.Join(dir, "home"), d.String(), id.String()
}

// startPull starts `sandbox pull` and waits until the stalled layer has
// sent its first bytes, or the pull ended.
func startPull(t *testing.T, p *registrytest.Proxy, file, home string) (*exec.Cmd, *bytes.Buffer, <-chan error) {
	var stderr bytes.Buffer
	cmd := exec.Command(testenv.Build(t, "github.com/hclsandbox/sandbox/cmd/sandbox"), "pull", file)
	cmd.Env = append(os.Environ(), "SANDBOX_HOME="+home)
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case <-p.Stalled:
	case <-exited:
		t.Fatalf("sandbox pull ended before the stalled layer: %s", stderr.String())
	}
	return cmd, &stderr, exited
}

// TestPullInterrupted: Ctrl-C in the middle of a layer ends the pull with
// 130 and leaves nothing of that layer in the store; a pull killed there
// leaves its temporary directory, which the next pull removes.
func TestPullInterrupted(t *testing.T) {
	p, file, home, digest, diffID := pullSetup(t)
	p.StallBlob(digest)
	store := image.NewStore(home)
	cmd, stderr, exited := startPull(t, p, file, home)
	cmd.Process.Signal(syscall.SIGINT)
	err := <-exited
	if code := cmd.ProcessState.ExitCode(); code != 130 || !strings.Contains(stderr.String(), "interrupted") {
		t.Fatalf("interrupted pull: exit %d (%v), stderr %q; want 130 and \"interrupted\"", code, err, stderr.String())
	}
	if _, err := os.Stat(store.LayerDir(diffID)); err == nil {
		t.Error("the interrupted layer is in the store")
	}
	if left := dirNames(t, filepath.Join(store.Dir, "tmp")); len(left) > 0 {
		t.Errorf("an interrupted pull left %v", left)
	}

	p.Restall()
	cmd, _, exited = startPull(t, p, file, home)
	cmd.Process.Kill()
	<-exited
	if left := dirNames(t, filepath.Join(store.Dir, "tmp")); len(left) == 0 {
		t.Fatal("a killed pull left nothing in tmp: the test cannot see the next pull clean up")
	}
	p.StallBlob("")
	next := exec.Command(testenv.Build(t, "github.com/hclsandbox/sandbox/cmd/sandbox"), "pull", file)
	next.Env = append(os.Environ(), "SANDBOX_HOME="+home)
	out, err := next.CombinedOutput()
	if err != nil {
		t.Fatalf("pull after a killed pull: %v\n%s", err, out)
	}
	if left := dirNames(t, filepath.Join(store.Dir, "tmp")); len(left) > 0 {
		t.Errorf("the next pull left the dead puller's %v", left)
	}
	if _, err := os.Stat(store.LayerDir(diffID)); err != nil {
		t.Errorf("the layer is not in the store after the next pull: %v", err)
	}
}

func dirNames(t *testing.T, dir string) []string {
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

// run runs the built sandbox with SANDBOX_HOME=home and returns its
// output, failing the test when it fails.
func runSandboxCmd(t *testing.T, home string, args ...string) string {
	t.Helper()
	cmd := exec.Command(testenv.Build(t, "github.com/hclsandbox/sandbox/cmd/sandbox"), args...)
	cmd.Env = append(os.Environ(), "SANDBOX_HOME="+home)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("sandbox %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestImagesAndPrune: images lists what pull brought and who uses it;
// prune keeps an image a lock file pins or a running sandbox leases, and
// removes it with its layers once neither holds.
func TestImagesAndPrune(t *testing.T) {
	_, file, home, _, diffID := pullSetup(t)
	out := runSandboxCmd(t, home, "pull", file)
	if !strings.Contains(out, "app: ") || !strings.Contains(out, "(3 layers)") {
		t.Errorf("pull printed %q, want a line for app with its 3 layers", out)
	}
	out = runSandboxCmd(t, home, "images")
	if !strings.Contains(out, "/test/probe:v1") || !strings.Contains(out, file) {
		t.Errorf("images printed %q, want the source and %s", out, file)
	}
	runSandboxCmd(t, home, "lock", file)
	if out = runSandboxCmd(t, home, "prune"); !strings.Contains(out, "removed 0 images") {
		t.Errorf("prune with a lock file: %q, want the pinned image kept", out)
	}
	os.Remove(filepath.Join(filepath.Dir(file), "sandbox.lock.hcl"))
	store := image.NewStore(home)
	list, err := store.List()
	if err != nil || len(list) != 1 {
		t.Fatalf("List() = %v, %v; want one image", list, err)
	}
	lease, err := store.Lease(list[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if out = runSandboxCmd(t, home, "prune"); !strings.Contains(out, "removed 0 images") {
		t.Errorf("prune while a sandbox runs the image: %q, want it kept", out)
	}
	lease.Close()
	if out = runSandboxCmd(t, home, "prune"); !strings.Contains(out, "removed 1 images, 3 layers") {
		t.Errorf("prune with no pin and no user: %q, want the image and its 3 layers removed", out)
	}
	if _, err := os.Stat(store.LayerDir(diffID)); err == nil {
		t.Error("a pruned layer is still in the store")
	}
}

// TestExportOCIImage: an image sandbox exports as a bundle whose rootfs is
// the tree the image's layers show (whiteouts and the opaque directory
// applied, the hard link kept) and whose process is the image's
// configuration.
func TestExportOCIImage(t *testing.T) {
	_, file, home, _, _ := pullSetup(t)
	out := filepath.Join(t.TempDir(), "bundle")
	runSandboxCmd(t, home, "export", "oci", file, "app", "--out", out)
	root := filepath.Join(out, "rootfs")
	for _, p := range []string{"gone.txt", "opt/old/a"} {
		if _, err := os.Lstat(filepath.Join(root, p)); err == nil {
			t.Errorf("%s is in the bundle: a layer above removed it", p)
		}
	}
	for _, p := range []string{"opt/old/b", "data/x", "probe"} {
		if _, err := os.Lstat(filepath.Join(root, p)); err != nil {
			t.Errorf("%s is missing from the bundle: %v", p, err)
		}
	}
	a, _ := os.Stat(filepath.Join(root, "data/orig"))
	b, _ := os.Stat(filepath.Join(root, "data/link"))
	if a == nil || b == nil || !os.SameFile(a, b) {
		t.Error("data/link is not a hard link of data/orig in the bundle")
	}
	cfg, err := os.ReadFile(filepath.Join(out, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"/probe"`, `"IMAGE_VAR=from-image"`, `"cwd": "/work"`, `"uid": 1000`} {
		if !strings.Contains(string(cfg), want) {
			t.Errorf("config.json lacks %s", want)
		}
	}
}

// TestRunImage: `sandbox run` of an image sandbox pulls it and runs the
// image's command as its configuration says; `sandbox plan` then names
// what came from the image.
func TestRunImage(t *testing.T) {
	testenv.RequireRoot(t)
	_, file, home, _, _ := pullSetup(t)
	out := runSandboxCmd(t, home, "run", file, "app")
	for _, want := range []string{`"uid":1000`, `"cwd":"/work"`, `"/gone.txt":{"exists":false}`, `"/opt/old/a":{"exists":false}`, "IMAGE_VAR=from-image"} {
		if !strings.Contains(out, want) {
			t.Errorf("sandbox run printed %s\nwant it to contain %s", out, want)
		}
	}
	plan := runSandboxCmd(t, home, "plan", file)
	if !strings.Contains(plan, "from the image: command, workdir, user, env.IMAGE_VAR, env.PATH") || !strings.Contains(plan, "8080/tcp") {
		t.Errorf("sandbox plan printed\n%s\nwant what came from the image and its exposed port", plan)
	}
}
