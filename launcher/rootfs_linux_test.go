package launcher

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/testenv"
	"github.com/hclsandbox/sandbox/launcher/rootfs"
)

// tarDir writes dir as a gzipped tarball next to it and returns its path.
func tarDir(t *testing.T, dir string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "root.tar.gz")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := gzip.NewWriter(f)
	tw := tar.NewWriter(zw)
	if err := tw.AddFS(os.DirFS(dir)); err != nil {
		t.Fatalf("tar %s: %v", dir, err)
	}
	if err := errors.Join(tw.Close(), zw.Close()); err != nil {
		t.Fatal(err)
	}
	return out
}

// prepared runs s after preparing its rootfs with the cache in home.
func prepared(t *testing.T, s *config.Sandbox, home string, progress io.Writer) (*PreparedRootfs, string, *Result) {
	t.Helper()
	p, err := PrepareRootfs(t.Context(), s, PrepareOptions{Home: home, Progress: progress})
	if err != nil {
		t.Fatalf("PrepareRootfs() = %v", err)
	}
	var stdout bytes.Buffer
	proc, res, err := startPlan(t, NewPlan(s, probeTestHost()).WithRootfs(p.Dir), Stdio{Stdout: &stdout, Stderr: os.Stderr})
	if err != nil {
		t.Fatal(err)
	}
	if res == nil {
		res = proc.Wait()
	}
	return p, stdout.String(), res
}

// withFile gives s a configuration file in its own directory, where the
// lock file goes.
func withFile(s *config.Sandbox) *config.Sandbox {
	s.Dir = filepath.Dir(s.Rootfs)
	s.File = filepath.Join(s.Dir, "sandbox.hcl")
	return s
}

func TestRootfsTarballUnpackedOnce(t *testing.T) {
	testenv.RequireRoot(t)
	home := t.TempDir()
	s := withFile(sandboxFor(tarDir(t, testenv.Rootfs(t)), "exit", "7"))
	var progress bytes.Buffer
	p, _, res := prepared(t, s, home, &progress)
	if res.ExitCode != 7 || !p.Unpacked || !strings.Contains(progress.String(), "unpacking root.tar.gz") {
		t.Errorf("first start: exit %d, unpacked %v, progress %q; want 7, true and a bar", res.ExitCode, p.Unpacked, progress.String())
	}
	progress.Reset()
	p2, _, res := prepared(t, s, home, &progress)
	if res.ExitCode != 7 || p2.Unpacked || progress.Len() != 0 || p2.Dir != p.Dir {
		t.Errorf("second start: exit %d, unpacked %v, progress %q, dir %s; want 7, no unpacking, %s", res.ExitCode, p2.Unpacked, progress.String(), p2.Dir, p.Dir)
	}
}

func TestRootfsWrongDigestUnpacksNothing(t *testing.T) {
	testenv.RequireRoot(t)
	home := t.TempDir()
	s := withFile(sandboxFor(tarDir(t, testenv.Rootfs(t))))
	s.RootfsOptions.SHA256 = strings.Repeat("0", 64)
	_, err := PrepareRootfs(t.Context(), s, PrepareOptions{Home: home})
	var mismatch *MismatchError
	if !errors.As(err, &mismatch) || mismatch.Expected != s.RootfsOptions.SHA256 {
		t.Errorf("PrepareRootfs() = %v, want a mismatch expecting %s", err, s.RootfsOptions.SHA256)
	}
	if entries, _ := os.ReadDir(home); len(entries) != 0 {
		t.Errorf("SANDBOX_HOME holds %v after a refused tarball, want nothing", entries)
	}
}

func TestRootfsTamperedLockedDirRefused(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "app"), []byte("v1"), 0o755)
	s := withFile(sandboxFor(root))
	if _, err := LockRootfs(context.Background(), []*config.Sandbox{s}); err != nil {
		t.Fatal(err)
	}
	if _, err := PrepareRootfs(t.Context(), s, PrepareOptions{Home: t.TempDir()}); err != nil {
		t.Fatalf("PrepareRootfs(untouched) = %v", err)
	}
	os.WriteFile(filepath.Join(root, "app"), []byte("v2"), 0o755)
	_, err := PrepareRootfs(t.Context(), s, PrepareOptions{Home: t.TempDir()})
	var mismatch *MismatchError
	if !errors.As(err, &mismatch) || !strings.HasSuffix(mismatch.PinnedIn, rootfs.LockFileName) {
		t.Fatalf("PrepareRootfs(tampered) = %v, want a mismatch with the lock file", err)
	}
	if _, err := PrepareRootfs(t.Context(), s, PrepareOptions{Home: t.TempDir(), UpdateLock: true}); err != nil {
		t.Errorf("PrepareRootfs(UpdateLock) = %v, want the lock refreshed", err)
	}
	if _, err := PrepareRootfs(t.Context(), s, PrepareOptions{Home: t.TempDir()}); err != nil {
		t.Errorf("PrepareRootfs after the update = %v", err)
	}
}

// A locked directory is verified through the index that lock and every
// start keep: a file changed with its size and modification time put
// back is still refused, and the refusal names it (and the one added);
// the index survives the refusal, so the next one names them too.
func TestRootfsIndexedVerification(t *testing.T) {
	home := t.TempDir()
	t.Setenv("SANDBOX_HOME", home)
	root := t.TempDir()
	for _, f := range []string{"app", "lib", "etc"} {
		os.WriteFile(filepath.Join(root, f), []byte("v1 "+f), 0o644)
	}
	s := withFile(sandboxFor(root))
	if _, err := LockRootfs(context.Background(), []*config.Sandbox{s}); err != nil {
		t.Fatal(err)
	}
	if rootfs.ReadIndex(rootfs.IndexPath(home, root)) == nil {
		t.Fatal("lock kept no index of the locked directory")
	}
	info, _ := os.Stat(filepath.Join(root, "lib"))
	os.WriteFile(filepath.Join(root, "lib"), []byte("v2 lib"), 0o644)
	os.Chtimes(filepath.Join(root, "lib"), info.ModTime(), info.ModTime())
	os.WriteFile(filepath.Join(root, "new"), nil, 0o644)
	for range 2 {
		_, err := PrepareRootfs(t.Context(), s, PrepareOptions{Home: home})
		var m *MismatchError
		if !errors.As(err, &m) || !slices.Equal(m.Changed, []string{"lib", "new"}) || !strings.Contains(err.Error(), "changed since: lib, new") {
			t.Fatalf("PrepareRootfs(changed) = %v, want a mismatch naming lib and new", err)
		}
	}
	if errs := VerifyLocks([]*config.Sandbox{s}); len(errs) != 1 || !strings.Contains(errs[0].Error(), "lib, new") {
		t.Errorf("VerifyLocks = %v, want one mismatch naming lib and new", errs)
	}
}

// Checklist 8: an ephemeral sandbox that deletes and rewrites files leaves
// its rootfs byte-for-byte unchanged.
func TestRootfsEphemeralLeavesRootfsUnchanged(t *testing.T) {
	testenv.RequireRoot(t)
	s := shellSandbox(t, "rm /probe && echo changed > /etc/passwd && mkdir /new && rm -r /bin/ls && "+
		"test ! -e /probe && cat /etc/passwd")
	before, err := rootfs.TreeDigest(s.Rootfs)
	if err != nil {
		t.Fatal(err)
	}
	out, res := runSandbox(t, s)
	if res.ExitCode != 0 || out != "changed\n" {
		t.Fatalf("script: exit %d (%s), output %q; want 0 and \"changed\"", res.ExitCode, res.Describe(), out)
	}
	if after, _ := rootfs.TreeDigest(s.Rootfs); after != before {
		t.Errorf("tree digest of the rootfs changed from %s to %s", before, after)
	}
}

func TestRootfsPersistentKeepsWrites(t *testing.T) {
	testenv.RequireRoot(t)
	s := shellSandbox(t, "cat /counter 2>/dev/null; echo run >> /counter")
	s.RootfsOptions = config.RootfsOptions{Mode: config.RootfsPersistent, StateDir: filepath.Join(t.TempDir(), "state")}
	before, _ := rootfs.TreeDigest(s.Rootfs)
	var outs []string
	for range 2 {
		_, out, res := prepared(t, s, t.TempDir(), nil)
		if res.ExitCode != 0 {
			t.Fatalf("exit %d (%s)", res.ExitCode, res.Describe())
		}
		outs = append(outs, out)
	}
	if outs[0] != "" || outs[1] != "run\n" {
		t.Errorf("outputs = %q, want the second run to see the first one's write", outs)
	}
	if b, _ := os.ReadFile(filepath.Join(s.RootfsOptions.StateDir, "upper", "counter")); string(b) != "run\nrun\n" {
		t.Errorf("state_dir/upper/counter = %q, want two runs", b)
	}
	if after, _ := rootfs.TreeDigest(s.Rootfs); after != before {
		t.Errorf("the rootfs itself changed")
	}
}

func TestRootfsReadonly(t *testing.T) {
	testenv.RequireRoot(t)
	s := sandboxFor(testenv.Rootfs(t))
	s.RootfsOptions.Mode = config.RootfsReadonly
	r := probe(t, s)
	if !strings.Contains(r.RootWrite, "read-only file system") {
		t.Errorf("writing to / = %q, want a read-only file system", r.RootWrite)
	}
}

func TestRootfsUserMounts(t *testing.T) {
	testenv.RequireRoot(t)
	data := t.TempDir()
	os.WriteFile(filepath.Join(data, "in"), []byte("host data\n"), 0o644)
	lower := t.TempDir()
	os.WriteFile(filepath.Join(lower, "base"), []byte("base\n"), 0o644)
	s := shellSandbox(t, "cat /data/in; touch /data/x 2>/dev/null && echo WROTE; "+
		"echo scratch > /scratch/f && cat /scratch/f; "+
		"echo new > /layer/base && cat /layer/base; test -e /missing || echo no-optional")
	s.Mounts = []config.Mount{
		{Type: "bind", Source: data, Target: "/data", Readonly: true},
		{Type: "tmpfs", Target: "/scratch", Options: []string{"size=1m", "mode=0700", "nosuid"}},
		{Type: "overlay", Source: lower, Target: "/layer"},
		{Type: "bind", Source: filepath.Join(data, "nope"), Target: "/missing", Optional: true},
	}
	out, res := runSandbox(t, s)
	want := "host data\nscratch\nnew\nno-optional\n"
	if res.ExitCode != 0 || out != want {
		t.Errorf("exit %d (%s), output %q; want %q", res.ExitCode, res.Describe(), out, want)
	}
	if b, _ := os.ReadFile(filepath.Join(lower, "base")); string(b) != "base\n" {
		t.Errorf("the overlay's lower file changed to %q", b)
	}
	if _, err := os.Stat(filepath.Join(data, "x")); err == nil {
		t.Errorf("the read-only bind was written to")
	}
}

// Checklist 5: a mount target that is a symlink out of the rootfs lands
// inside it (or is refused); the host directory stays empty.
func TestRootfsSymlinkedMountTargetContained(t *testing.T) {
	testenv.RequireRoot(t)
	hostDir := t.TempDir()
	root := testenv.Rootfs(t)
	os.Symlink(hostDir, filepath.Join(root, "data"))
	os.Symlink("../../../../.."+hostDir, filepath.Join(root, "rel"))
	s := sandboxFor(root, "exit", "0")
	s.Mounts = []config.Mount{
		{Type: "tmpfs", Target: "/data/sub"},
		{Type: "bind", Source: t.TempDir(), Target: "/rel/sub"},
	}
	_, res := runSandbox(t, s)
	if res.ExitCode != 0 && res.ExitCode != 125 {
		t.Errorf("exit %d (%s), want 0 (contained) or 125 (refused)", res.ExitCode, res.Describe())
	}
	filepath.WalkDir(hostDir, func(p string, d fs.DirEntry, err error) error {
		if p != hostDir {
			t.Errorf("the sandbox created %s on the host", p)
		}
		return nil
	})
}

// tarWithDevices writes dir as a gzipped tarball, as tarDir does, with a
// block device node (the loop device 7:0) and a character one (1:1,
// /dev/mem) in opt/.
func tarWithDevices(t *testing.T, dir string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "root.tar.gz")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := gzip.NewWriter(f)
	tw := tar.NewWriter(zw)
	err = tw.AddFS(os.DirFS(dir))
	for _, h := range []*tar.Header{
		{Name: "opt/", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "opt/block", Typeflag: tar.TypeBlock, Mode: 0o666, Devmajor: 7},
		{Name: "opt/char", Typeflag: tar.TypeChar, Mode: 0o666, Devmajor: 1, Devminor: 1},
	} {
		if err == nil {
			err = tw.WriteHeader(h)
		}
	}
	if err := errors.Join(err, tw.Close(), zw.Close()); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRootfsTarballDevices: a tarball's block and character device nodes
// are left out by default and counted, refused with devices = "refuse"
// (exit 125 from the command line), and made only with devices = "keep".
func TestRootfsTarballDevices(t *testing.T) {
	testenv.RequireRoot(t)
	home := t.TempDir()
	s := withFile(sandboxFor(tarWithDevices(t, testenv.Rootfs(t)), "exit", "0"))
	p, _, res := prepared(t, s, home, nil)
	if res.ExitCode != 0 || p.Devices.Skipped != 2 {
		t.Errorf("default: exit %d, devices %+v; want 0 and 2 skipped", res.ExitCode, p.Devices)
	}
	for _, n := range []string{"block", "char"} {
		if _, err := os.Lstat(filepath.Join(p.Dir, "opt", n)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("default: opt/%s in the unpacked rootfs: %v", n, err)
		}
	}
	s.RootfsOptions.Devices = config.DevicesRefuse
	if _, err := PrepareRootfs(t.Context(), s, PrepareOptions{Home: home}); err == nil || !strings.Contains(err.Error(), `devices = "refuse"`) {
		t.Errorf("refuse: PrepareRootfs() = %v, want the device node refused", err)
	}
	s.RootfsOptions.Devices = config.DevicesKeep
	kept, err := PrepareRootfs(t.Context(), s, PrepareOptions{Home: home})
	if err != nil || kept.Devices.Made != 2 {
		t.Fatalf("keep: PrepareRootfs() = %+v, %v; want 2 made", kept, err)
	}
	if info, err := os.Lstat(filepath.Join(kept.Dir, "opt", "block")); err != nil || info.Mode()&os.ModeDevice == 0 {
		t.Errorf("keep: opt/block = %v, %v; want a block device", info, err)
	}
}
