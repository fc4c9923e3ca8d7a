package fsverity

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestEnableAndMeasure turns verity on for a file and measures it: the
// kernel's digest must be Digest's. Skipped where the filesystem of the
// temp directory has no fs-verity, as on hosts whose kernel lacks it.
func TestEnableAndMeasure(t *testing.T) {
	data := bytes.Repeat([]byte("sandbox"), 3000)
	p := filepath.Join(t.TempDir(), "f")
	os.WriteFile(p, data, 0o444)
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := Measure(int(f.Fd())); !errors.Is(err, ErrNotVerity) {
		t.Fatalf("Measure(a file without verity) = %v, want ErrNotVerity", err)
	}
	if err := Enable(int(f.Fd())); errors.Is(err, ErrNotVerity) {
		t.Skip("the temp directory's filesystem has no fs-verity")
	} else if err != nil {
		t.Fatalf("Enable() = %v", err)
	}
	got, err := Measure(int(f.Fd()))
	want := Digest(data)
	if err != nil || !bytes.Equal(got, want[:]) {
		t.Errorf("Measure() = %x, %v; want %x", got, err, want)
	}
}
