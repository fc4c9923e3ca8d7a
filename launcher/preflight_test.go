package launcher

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/config"
)

func TestPreflightUserNamespaceReach(t *testing.T) {
	top := t.TempDir()
	rootfs := filepath.Join(top, "rootfs")
	if err := os.Mkdir(rootfs, 0o700); err != nil {
		t.Fatal(err)
	}
	s := &config.Sandbox{Name: "u", Rootfs: rootfs, Namespaces: append([]string{"user"}, config.Namespaces...)}
	d := Preflight(s)
	if !d.HasErrors() || !strings.Contains(d.Error(), "cannot enter "+rootfs) {
		t.Errorf("Preflight(0700 rootfs, user namespace) = %v, want the rootfs named as out of reach", d)
	}
	// Open up only the test's own directories; skip if the temp dir's
	// ancestors are closed to others.
	own := filepath.Dir(top)
	for dir := rootfs; ; dir = filepath.Dir(dir) {
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if dir == own {
			break
		}
	}
	for dir := filepath.Dir(own); ; dir = filepath.Dir(dir) {
		if info, err := os.Stat(dir); err == nil && info.Mode().Perm()&0o001 == 0 {
			t.Skipf("%s is closed to others; the rest of the check needs a searchable temp dir", dir)
		}
		if dir == filepath.Dir(dir) {
			break
		}
	}
	if d := Preflight(s); d.HasErrors() {
		t.Errorf("Preflight(searchable rootfs) = %v, want no error", d)
	}
	s.Namespaces = config.Namespaces
	os.Chmod(rootfs, 0o700)
	if d := Preflight(s); d.HasErrors() {
		t.Errorf("Preflight without a user namespace = %v, want no error", d)
	}
}
