package rootfs

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// indexedTree makes a tree of n files whose times lie in the past, as a
// tree made long before the index is; then its change times are the only
// recent ones, so the tree is aged by waiting out the racy margin.
func indexedTree(t testing.TB, n int) string {
	t.Helper()
	dir := t.TempDir()
	for i := range n {
		p := filepath.Join(dir, fmt.Sprintf("d%d", i%10), fmt.Sprintf("f%d", i))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(fmt.Sprintf("content %d", i)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("d0/f0", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(racyMargin + 50*time.Millisecond)
	return dir
}

// An index vouches for unchanged files: the second walk hashes none, and
// gives the digest a full hash gives.
func TestIndexSkipsUnchanged(t *testing.T) {
	dir := indexedTree(t, 50)
	first, err := IndexTree(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if first.Hashed != 50 {
		t.Fatalf("first walk hashed %d files, want 50", first.Hashed)
	}
	path := filepath.Join(t.TempDir(), "index")
	if err := first.Write(path); err != nil {
		t.Fatal(err)
	}
	kept := ReadIndex(path)
	if kept == nil || kept.Digest != first.Digest || len(kept.Entries) != len(first.Entries) {
		t.Fatalf("ReadIndex(Write(ix)) = %+v, want the index back", kept)
	}
	second, err := IndexTree(dir, kept)
	if err != nil {
		t.Fatal(err)
	}
	full, _ := TreeDigest(dir)
	if second.Hashed != 0 || second.Digest != first.Digest || full != first.Digest {
		t.Errorf("second walk hashed %d, digest %s; first %s, full %s", second.Hashed, second.Digest, first.Digest, full)
	}
}

// A changed file is hashed again even when its size and modification time
// are put back: its change time moved, and only the clock sets that.
func TestIndexSeesDisguisedChange(t *testing.T) {
	dir := indexedTree(t, 20)
	first, err := IndexTree(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "d3", "f3")
	info, _ := os.Stat(p)
	if err := os.WriteFile(p, []byte("CONTENT 3"), 0o644); err != nil { // the same size
		t.Fatal(err)
	}
	if err := os.Chtimes(p, info.ModTime(), info.ModTime()); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "d5", "f15")); err != nil {
		t.Fatal(err)
	}
	second, err := IndexTree(dir, first)
	if err != nil {
		t.Fatal(err)
	}
	if second.Digest == first.Digest || second.Hashed != 1 {
		t.Errorf("after a disguised change: digest %s (was %s), hashed %d, want a new digest from one file hashed", second.Digest, first.Digest, second.Hashed)
	}
	if got, want := first.Changed(second), []string{"d3/f3", "d5/f15"}; !slices.Equal(got, want) {
		t.Errorf("Changed = %v, want %v", got, want)
	}
}

// A file changed within the racy margin of the index is hashed again.
func TestIndexRacilyClean(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	os.WriteFile(p, []byte("one"), 0o644)
	first, err := IndexTree(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if second, _ := IndexTree(dir, first); second.Hashed != 1 {
		t.Errorf("a file as new as the index was not hashed again (hashed %d)", second.Hashed)
	}
}

// A malformed index is no index: the tree is hashed whole.
func TestIndexMalformed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index")
	for _, b := range []string{"", "SBXIDX1\n", "SBXIDX1\n\x40abc", "not an index"} {
		os.WriteFile(path, []byte(b), 0o600)
		if ix := ReadIndex(path); ix != nil {
			t.Errorf("ReadIndex(%q) = %+v, want nil", b, ix)
		}
	}
}

func BenchmarkVerifyUnchanged(b *testing.B) {
	dir := indexedTree(b, 2000)
	ix, _ := IndexTree(dir, nil)
	for b.Loop() {
		if _, err := IndexTree(dir, ix); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyFull(b *testing.B) {
	dir := indexedTree(b, 2000)
	for b.Loop() {
		if _, err := IndexTree(dir, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyOneChanged(b *testing.B) {
	dir := indexedTree(b, 2000)
	ix, _ := IndexTree(dir, nil)
	p := filepath.Join(dir, "d1", "f1")
	for i := 0; b.Loop(); i++ {
		os.WriteFile(p, []byte(fmt.Sprint(i)), 0o644)
		if _, err := IndexTree(dir, ix); err != nil {
			b.Fatal(err)
		}
	}
}

// The index finds entries in the order the walk lists them, where a
// directory's entries come right after it: "a", "a/b", "a.c".
func TestIndexOrder(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"a/b", "a.c", "a-d", "ab"} {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755)
		os.WriteFile(filepath.Join(dir, p), []byte(p), 0o644)
	}
	time.Sleep(racyMargin + 50*time.Millisecond)
	first, err := IndexTree(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if second, _ := IndexTree(dir, first); second.Hashed != 0 {
		t.Errorf("an unchanged tree hashed %d files again: the index lost entries out of string order", second.Hashed)
	}
	os.Remove(filepath.Join(dir, "a.c"))
	after, _ := IndexTree(dir, first)
	if got := first.Changed(after); !slices.Equal(got, []string{"a.c"}) {
		t.Errorf("Changed = %v, want [a.c]", got)
	}
}

// The walk lists what the standard library's walk lists, with the same
// modes, link targets and device numbers: tree digests, which lock files
// keep, do not depend on which walk made them.
func TestWalkSameAsPortable(t *testing.T) {
	dir := indexedTree(t, 30)
	os.Symlink("../nowhere", filepath.Join(dir, "d1", "dangling"))
	os.Mkdir(filepath.Join(dir, "d1.x"), 0o1777)
	os.WriteFile(filepath.Join(dir, "d1", "suid"), nil, 0o4755)
	os.Chmod(filepath.Join(dir, "d1", "suid"), 0o4755)
	if os.Geteuid() == 0 {
		syscallMknod(t, filepath.Join(dir, "d2", "null"))
	}
	got, gotFiles, _, err := walkTree(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, wantFiles, err := walkPortable(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(gotFiles, wantFiles) || len(got) != len(want) {
		t.Fatalf("walkTree listed %d entries (files %v), walkPortable %d (files %v)", len(got), gotFiles, len(want), wantFiles)
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.path != w.path || g.mode != w.mode || g.content != w.content || *g.stat != *w.stat {
			t.Errorf("entry %d: walkTree %+v %+v, walkPortable %+v %+v", i, g, *g.stat, w, *w.stat)
		}
	}
}

// A line of the tree digest is what fmt prints, byte for byte: lock files
// keep digests made by either.
func TestEntryLine(t *testing.T) {
	for _, e := range []treeEntry{
		{path: ".", mode: fs.ModeDir | 0o755},
		{path: "a b/\"c\"\n\x00é", mode: fs.ModeSymlink | 0o777, content: "../t"},
		{path: "dev/null", mode: fs.ModeDevice | fs.ModeCharDevice | 0o666, content: "259"},
		{path: "bin/su", mode: fs.ModeSetuid | 0o755, content: "ab12"},
	} {
		want := fmt.Sprintf("%q %o %s\n", e.path, uint32(e.mode), e.content)
		if got := string(entryLine(nil, e)); got != want {
			t.Errorf("entryLine(%+v) = %q, want %q", e, got, want)
		}
	}
}

func syscallMknod(t *testing.T, p string) {
	t.Helper()
	if err := unix.Mknod(p, unix.S_IFCHR|0o666, int(unix.Mkdev(1, 3))); err != nil {
		t.Fatal(err)
	}
}

// A link the index vouches for keeps its target without a readlink; one
// replaced by a link elsewhere is read again, and the digest follows it.
func TestIndexReusesLinkTargets(t *testing.T) {
	dir := indexedTree(t, 10)
	first, err := IndexTree(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if first.LinksRead != 1 {
		t.Fatalf("first walk read %d links, want 1", first.LinksRead)
	}
	second, err := IndexTree(dir, first)
	if err != nil {
		t.Fatal(err)
	}
	if second.LinksRead != 0 || second.Digest != first.Digest {
		t.Fatalf("second walk read %d links, digest %s; want 0 and %s", second.LinksRead, second.Digest, first.Digest)
	}
	link := filepath.Join(dir, "link")
	if err := os.Remove(link); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("d1/f1", link); err != nil { // the same length
		t.Fatal(err)
	}
	third, err := IndexTree(dir, second)
	if err != nil {
		t.Fatal(err)
	}
	full, _ := TreeDigest(dir)
	if third.LinksRead != 1 || third.Digest == first.Digest || third.Digest != full {
		t.Errorf("after the link changed: read %d links, digest %s; first %s, full %s", third.LinksRead, third.Digest, first.Digest, full)
	}
}

// IndexAt writes the index again only when the walk learned something:
// an unchanged tree leaves the file as it was.
func TestIndexAtKeepsUnchangedIndex(t *testing.T) {
	dir := indexedTree(t, 10)
	path := filepath.Join(t.TempDir(), "index")
	first, err := IndexAt(dir, path)
	if err != nil {
		t.Fatal(err)
	}
	var before, after unix.Stat_t
	if err := unix.Stat(path, &before); err != nil {
		t.Fatalf("the first walk kept no index: %v", err)
	}
	second, err := IndexAt(dir, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Stat(path, &after); err != nil {
		t.Fatal(err)
	}
	if second.Digest != first.Digest || second.Hashed != 0 || after.Ino != before.Ino || after.Mtim != before.Mtim {
		t.Errorf("unchanged tree: digest %s (was %s), hashed %d, index rewritten %v", second.Digest, first.Digest, second.Hashed, after.Ino != before.Ino)
	}
	if err := os.WriteFile(filepath.Join(dir, "d2", "f2"), []byte("changed"), 0o644); err != nil {
		t.Fatal(err)
	}
	third, err := IndexAt(dir, path)
	if err != nil {
		t.Fatal(err)
	}
	if kept := ReadIndex(path); third.Digest == first.Digest || kept == nil || kept.Digest != third.Digest {
		t.Errorf("changed tree: digest %s (was %s), kept index %+v", third.Digest, first.Digest, kept)
	}
}
