package state

import (
	"os"
	"path/filepath"
	"testing"
)

// Install puts the new file in place, whether or not one was there, and
// leaves neither the temporary name nor the old content behind.
func TestInstall(t *testing.T) {
	dir := t.TempDir()
	dst, tmp := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.json.tmp")
	for _, content := range []string{"first\n", "second\n"} {
		if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := Install(tmp, dst); err != nil {
			t.Fatalf("Install: %v", err)
		}
		if b, err := os.ReadFile(dst); err != nil || string(b) != content {
			t.Fatalf("dst holds %q, %v; want %q", b, err, content)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Fatalf("left in the directory: %v", entries)
		}
	}
}
