package launcher

import (
	"archive/tar"
	"compress/gzip"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/hclsandbox/sandbox/internal/testenv"
)

// ownedEntry is an extra file of a test tarball and its owner.
type ownedEntry struct {
	name string
	id   int
}

// ownedTarball writes to path a gzipped tarball of the busybox tree dir,
// owned by root, plus the files of extra owned as they say; a bad name
// among them makes the archive one the unpacker refuses there.
func ownedTarball(t *testing.T, dir, path string, extra ...ownedEntry) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return addTarEntry(tw, dir, p, rootOwned)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range extra {
		body := "owned by " + fmt.Sprint(e.id) + "\n"
		hdr := &tar.Header{Name: e.name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(body)), Uid: e.id, Gid: e.id}
		if strings.HasSuffix(e.name, "/") {
			hdr.Typeflag, hdr.Mode, hdr.Size, body = tar.TypeDir, 0o755, 0, ""
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(body))
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o644)
}

// rootOwned makes an entry root's, whoever owns the file in the test's tree.
func rootOwned(hdr *tar.Header) { hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname = 0, 0, "", "" }

// owned are the files whose owners the tests follow: root, 42 and nobody.
var owned = []ownedEntry{{"owned-0", 0}, {"owned-42", 42}, {"owned-65534", 65534}}

// A user with subordinate ranges unpacks a tarball rootfs keeping its
// owners: inside they are the archive's, on the host shifted into the
// user's ranges, and the entry serves the next run. Each case failed while
// an unprivileged unpack made every file the caller's.
func TestRootlessUnpackKeepsOwners(t *testing.T) {
	testenv.RequireRoot(t)
	u := newSubIDUser(t, 65536)
	bin := testenv.Build(t, "github.com/hclsandbox/sandbox/cmd/sandbox")
	tree := testenv.Rootfs(t)
	testenv.RequireBusybox(t, tree)
	work := filepath.Join(filepath.Dir(tree), "conf") // the user's, for its lock file
	if err := os.Mkdir(work, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(work, int(u.uid), int(u.gid)); err != nil {
		t.Fatal(err)
	}
	tarball := filepath.Join(work, "root.tar.gz")
	ownedTarball(t, tree, tarball, owned...)
	cfg := filepath.Join(work, "unpack.hcl")
	body := fmt.Sprintf("sandbox \"s\" {\n  rootfs  = %q\n  command = [\"/bin/busybox\", \"stat\", \"-c\", \"%%u:%%g\", \"/owned-0\", \"/owned-42\", \"/owned-65534\"]\n}\n", tarball)
	run := func(t *testing.T) string {
		t.Helper()
		stdout, stderr, code := u.sandboxAs(t, bin, cfg, "s", body, "/usr/bin:/bin")
		if got, want := strings.Join(strings.Fields(stdout), " "), "0:0 42:42 65534:65534"; code != 0 || got != want {
			t.Fatalf("owners inside: %q (exit %d), want %q\nstderr: %s", got, code, want, stderr)
		}
		return stderr
	}
	run(t)
	entry := onlyEntry(t, u.run)
	for name, want := range map[string]uint32{"owned-0": u.uid, "owned-42": u.start + 41, "owned-65534": u.start + 65533} {
		var st syscall.Stat_t
		if err := syscall.Lstat(filepath.Join(entry, name), &st); err != nil {
			t.Fatal(err)
		}
		if st.Uid != want || (name != "owned-0" && st.Gid != want) {
			t.Errorf("%s is %d:%d on the host, want uid %d (range start %d)", name, st.Uid, st.Gid, want, u.start)
		}
	}
	t.Run("reused", func(t *testing.T) {
		before := entryInode(t, entry)
		run(t)
		if got := onlyEntry(t, u.run); got != entry || entryInode(t, got) != before {
			t.Errorf("second run's entry %s (inode %d), want the first %s (inode %d) reused", got, entryInode(t, got), entry, before)
		}
	})
	t.Run("lock", func(t *testing.T) {
		if out, errOut, code := u.commandAs(t, "/usr/bin:/bin", bin, "lock", cfg); code != 0 {
			t.Fatalf("sandbox lock: exit %d: %s %s", code, out, errOut)
		}
		defer os.Remove(filepath.Join(work, "sandbox.lock.hcl"))
		ownedTarball(t, tree, tarball, append(owned, ownedEntry{"owned-7", 7})...)
		_, stderr, code := u.commandAs(t, "/usr/bin:/bin", bin, "run", cfg, "s")
		if code != 125 || !strings.Contains(stderr, "does not match") {
			t.Errorf("changed tarball: exit %d, stderr %q; want 125 and the mismatch", code, stderr)
		}
		if got := onlyEntry(t, u.run); got != entry {
			t.Errorf("a refused tarball made the entry %s", got)
		}
	})
	t.Run("unmapped", func(t *testing.T) {
		ownedTarball(t, tree, tarball, append(owned, ownedEntry{"owned-70000", 70000})...)
		_, stderr, code := u.commandAs(t, "/usr/bin:/bin", bin, "run", cfg, "s")
		if code != 125 || !strings.Contains(stderr, "owned-70000") || !strings.Contains(stderr, "does not map") {
			t.Errorf("owner beyond the ranges: exit %d, stderr %q; want 125 naming the entry and the unmapped id", code, stderr)
		}
		if got := onlyEntry(t, u.run); got != entry {
			t.Errorf("a refused tarball made the entry %s", got)
		}
	})
	t.Run("removed", func(t *testing.T) {
		// A directory of uid 42 is one the caller cannot empty from
		// outside; the archive is refused at its last entry.
		bad := append(owned, ownedEntry{"dir-42/", 42}, ownedEntry{"dir-42/f", 42}, ownedEntry{"../escape", 0})
		ownedTarball(t, tree, tarball, bad...)
		_, stderr, code := u.commandAs(t, "/usr/bin:/bin", bin, "run", cfg, "s")
		if code != 125 || !strings.Contains(stderr, "escape") {
			t.Errorf("refused tarball: exit %d, stderr %q; want 125 naming the entry", code, stderr)
		}
		if got := onlyEntry(t, u.run); got != entry {
			t.Errorf("a refused tarball made the entry %s", got)
		}
	})
}

// onlyEntry is the one entry of the rootfs cache under home, made under
// the user's maps; any other name there fails the test.
func onlyEntry(t *testing.T, home string) string {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(home, "rootfs", "*"))
	hidden, _ := filepath.Glob(filepath.Join(home, "rootfs", ".*"))
	names = append(names, hidden...)
	var entries []string
	for _, n := range names {
		if strings.Contains(filepath.Base(n), "-ids-") && !strings.HasPrefix(filepath.Base(n), ".") {
			entries = append(entries, n)
		} else if !strings.HasSuffix(n, ".lock") {
			t.Errorf("cache holds %s besides entries made under the user's maps", n)
		}
	}
	if len(entries) != 1 {
		t.Fatalf("cache entries made under the user's maps: %q, want one", entries)
	}
	return entries[0]
}

func entryInode(t *testing.T, p string) uint64 {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Lstat(p, &st); err != nil {
		t.Fatal(err)
	}
	return st.Ino
}

// A user without subordinate ranges unpacks as before, every file its
// own, and is told so once: when the tarball is unpacked, not when the
// entry is reused.
func TestRootlessUnpackWithoutRanges(t *testing.T) {
	testenv.RequireRoot(t)
	u := &subIDTestUser{testUser: unprivilegedUser(t)}
	bin := testenv.Build(t, "github.com/hclsandbox/sandbox/cmd/sandbox")
	tree := testenv.Rootfs(t)
	testenv.RequireBusybox(t, tree)
	u.run = filepath.Join(filepath.Dir(tree), "state")
	if err := os.Mkdir(u.run, 0o700); err != nil {
		t.Fatal(err)
	}
	os.Chown(u.run, int(u.uid), int(u.gid))
	tarball := filepath.Join(filepath.Dir(tree), "root.tar.gz")
	ownedTarball(t, tree, tarball, owned...)
	cfg := filepath.Join(filepath.Dir(tree), "plain.hcl")
	body := fmt.Sprintf("sandbox \"s\" {\n  rootfs  = %q\n  command = [\"/bin/busybox\", \"stat\", \"-c\", \"%%u\", \"/owned-42\"]\n}\n", tarball)
	for i, wantNote := range []bool{true, false} {
		stdout, stderr, code := u.sandboxAs(t, bin, cfg, "s", body, "/usr/bin:/bin")
		if code != 0 || strings.TrimSpace(stdout) != "0" {
			t.Fatalf("run %d: exit %d, owner inside %q, want 0 (the caller's)\nstderr: %s", i+1, code, stdout, stderr)
		}
		if got := strings.Count(stderr, "owners in the archive not kept"); got != map[bool]int{true: 1, false: 0}[wantNote] {
			t.Errorf("run %d: the note that owners are not kept is there %d times, want it on the unpack alone\nstderr: %s", i+1, got, stderr)
		}
	}
}
