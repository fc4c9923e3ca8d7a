package rootfs

import (
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func makeTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "bin"), 0o755)
	os.WriteFile(filepath.Join(dir, "bin", "app"), []byte("app"), 0o755)
	os.WriteFile(filepath.Join(dir, "data"), []byte("data"), 0o644)
	os.Symlink("bin/app", filepath.Join(dir, "link"))
	return dir
}

func TestTreeDigestSeesEveryChange(t *testing.T) {
	changes := map[string]func(dir string){
		"content":     func(d string) { os.WriteFile(filepath.Join(d, "data"), []byte("dat4"), 0o644) },
		"mode":        func(d string) { os.Chmod(filepath.Join(d, "data"), 0o600) },
		"link target": func(d string) { os.Remove(filepath.Join(d, "link")); os.Symlink("data", filepath.Join(d, "link")) },
		"new file":    func(d string) { os.WriteFile(filepath.Join(d, "new"), nil, 0o644) },
		"rename":      func(d string) { os.Rename(filepath.Join(d, "data"), filepath.Join(d, "datb")) },
	}
	base, err := TreeDigest(makeTree(t))
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := TreeDigest(makeTree(t)); again != base {
		t.Fatalf("two identical trees: %s != %s", again, base)
	}
	for name, change := range changes {
		dir := makeTree(t)
		change(dir)
		if d, _ := TreeDigest(dir); d == base {
			t.Errorf("%s: digest unchanged", name)
		}
	}
}

// TestTreeDigestSpeed hashes a 200 MB tree, the size of a distribution
// rootfs; it must take seconds, not minutes.
func TestTreeDigestSpeed(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 200 MB")
	}
	dir := t.TempDir()
	buf := make([]byte, 1<<20)
	rand.Read(buf)
	for i := range 2000 {
		sub := filepath.Join(dir, string(rune('a'+i%20)))
		os.MkdirAll(sub, 0o755)
		n := 100 << 10
		if err := os.WriteFile(filepath.Join(sub, time.Duration(i).String()), buf[:n], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	if _, err := TreeDigest(dir); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("TreeDigest of 200 MB took %v, want under 5s", d)
	}
	t.Logf("TreeDigest of 200 MB: %v", time.Since(start))
}
