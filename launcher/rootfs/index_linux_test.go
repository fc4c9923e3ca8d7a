package rootfs

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
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
