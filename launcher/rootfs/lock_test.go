package rootfs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLockRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := LockPath(filepath.Join(dir, "web.hcl"))
	l, err := ReadLock(path)
	if err != nil || len(l.Entries) != 0 {
		t.Fatalf("ReadLock(missing) = %+v, %v; want an empty lock", l, err)
	}
	l.Set("web", filepath.Join(dir, "rootfs", "web"), strings.Repeat("a", 64))
	l.Set("db", "/srv/db.tar.gz", strings.Repeat("b", 64))
	l.SetImage("app", "ghcr.io/org/app:1", "sha256:"+strings.Repeat("c", 64), "sha256:"+strings.Repeat("d", 64))
	if err := l.Write(); err != nil {
		t.Fatal(err)
	}
	got, err := ReadLock(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]LockEntry{
		"web": {Rootfs: "./rootfs/web", SHA256: strings.Repeat("a", 64)},
		"db":  {Rootfs: "/srv/db.tar.gz", SHA256: strings.Repeat("b", 64)},
		"app": {Image: "ghcr.io/org/app:1", Digest: "sha256:" + strings.Repeat("c", 64), Platform: "sha256:" + strings.Repeat("d", 64)},
	}
	for n, e := range want {
		if got.Entries[n] != e {
			t.Errorf("entry %s = %+v, want %+v", n, got.Entries[n], e)
		}
	}
	b, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(b), "# The root filesystem digests") || strings.Index(string(b), `"db"`) > strings.Index(string(b), `"web"`) {
		t.Errorf("lock file =\n%s\nwant the header comment and entries sorted by name", b)
	}
}

func TestLockMalformed(t *testing.T) {
	path := filepath.Join(t.TempDir(), LockFileName)
	os.WriteFile(path, []byte("sandbox \"x\" {\n  rootfs = 1\n"), 0o644)
	if _, err := ReadLock(path); err == nil || !strings.Contains(err.Error(), "read lock file") {
		t.Errorf("ReadLock(malformed) = %v, want an error", err)
	}
}
