package image

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/internal/testenv"
)

// TestStoreTrust: as root, a store below a directory another user owns or
// can write is refused (that user could swap the layers root mounts), and
// the store root makes is root's alone.
func TestStoreTrust(t *testing.T) {
	testenv.RequireRoot(t)
	base := t.TempDir()
	os.Chmod(base, 0o755)
	theirs := filepath.Join(base, "theirs")
	os.Mkdir(theirs, 0o755)
	os.Chown(theirs, 1000, 1000)
	if err := NewStore(theirs).open(); err == nil || !strings.Contains(err.Error(), "not safe for root") {
		t.Errorf("store under a directory uid 1000 owns: %v, want a refusal", err)
	}
	if _, err := os.Lstat(filepath.Join(theirs, "images")); err == nil {
		t.Error("the refused store was created below the other user's directory")
	}
	open := filepath.Join(base, "open")
	os.Mkdir(open, 0o777)
	os.Chmod(open, 0o777)
	if err := NewStore(open).open(); err == nil {
		t.Error("store under a world-writable directory without the sticky bit was accepted")
	}
	mine := filepath.Join(base, "mine")
	s := NewStore(mine)
	if err := s.open(); err != nil {
		t.Fatalf("store in a root-owned directory: %v", err)
	}
	for _, d := range []string{s.Dir, s.layersDir(), s.imagesDir(), s.locksDir(), s.tmpDir()} {
		if info, err := os.Stat(d); err != nil || info.Mode().Perm() != 0o700 {
			t.Errorf("%s: mode %v (%v), want 0700", d, info.Mode().Perm(), err)
		}
	}
}
