package fsverity

import (
	"encoding/hex"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDigestAgainstFsverityUtils compares Digest with fsverity-utils'
// `fsverity digest`, an independent implementation, on sizes around the
// block and tree-level boundaries.
func TestDigestAgainstFsverityUtils(t *testing.T) {
	tool, err := exec.LookPath("fsverity")
	if err != nil {
		t.Skip("needs fsverity (Debian's fsverity package)")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	dir := t.TempDir()
	for _, size := range []int{0, 1, 4095, 4096, 4097, 128 * 4096, 128*4096 + 1, 129 * 4096, 2600 << 10} {
		b := make([]byte, size)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		p := filepath.Join(dir, "f")
		os.WriteFile(p, b, 0o644)
		out, err := exec.Command(tool, "digest", "--compact", p).Output()
		if err != nil {
			t.Fatalf("fsverity digest: %v", err)
		}
		want := strings.TrimPrefix(strings.TrimSpace(string(out)), "sha256:")
		if got := Digest(b); hex.EncodeToString(got[:]) != want {
			t.Errorf("Digest(%d bytes) = %x, fsverity digest says %s", size, got, want)
		}
	}
}
