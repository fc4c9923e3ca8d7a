package slurm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/config"
)

// TestUnpinnedImagesWarned: up --on slurm warns of an image no lock file
// pins, whose tag each node would resolve for itself, and not of a
// pinned one.
func TestUnpinnedImagesWarned(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.hcl")
	os.WriteFile(file, []byte("sandbox \"pinned\" {\n  image = \"alpine:3\"\n}\nsandbox \"loose\" {\n  image = \"alpine:3\"\n}\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "sandbox.lock.hcl"), []byte("sandbox \"pinned\" {\n  image = \"alpine:3\"\n  digest = \"sha256:00\"\n}\n"), 0o644)
	cfg, diags := config.Load([]string{file})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	w := UnpinnedImages(cfg.Sandboxes)
	if len(w) != 1 || !strings.HasPrefix(w[0], "loose: image alpine:3 is not pinned") {
		t.Errorf("unpinnedImages() = %q, want one warning, for loose", w)
	}
}
