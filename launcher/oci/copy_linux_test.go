package oci

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestCopyTree copies a small tree: directories, a file, a symlink and a
// fifo arrive with their content, targets and modes.
func TestCopyTree(t *testing.T) {
	src := t.TempDir()
	os.MkdirAll(filepath.Join(src, "a", "b"), 0o750)
	os.WriteFile(filepath.Join(src, "a", "b", "f"), []byte("content"), 0o640)
	os.Symlink("b/f", filepath.Join(src, "a", "link"))
	syscall.Mkfifo(filepath.Join(src, "fifo"), 0o600)
	d, err := OpenDir(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var st CopyStats
	if err := CopyTree(src, d, &st); err != nil {
		t.Fatalf("CopyTree() = %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(d.path, "a", "link")); err != nil || string(b) != "content" {
		t.Errorf("a/link reads %q, %v; want the file through the copied link", b, err)
	}
	for name, want := range map[string]os.FileMode{"a/b": os.ModeDir | 0o750, "a/b/f": 0o640, "fifo": os.ModeNamedPipe | 0o600} {
		if info, err := os.Lstat(filepath.Join(d.path, name)); err != nil || info.Mode() != want {
			t.Errorf("%s: %v, %v; want mode %v", name, info, err, want)
		}
	}
	if st != (CopyStats{}) {
		t.Errorf("stats = %+v, want nothing left out", st)
	}
}
