package doctor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDirChecks: doctor says a directory is safe, or not made yet below
// safe ones, or names the directory at fault with its owner and mode.
func TestDirChecks(t *testing.T) {
	base, _ := filepath.EvalSymlinks(t.TempDir())
	open := filepath.Join(base, "open")
	os.Mkdir(open, 0o777)
	os.Chmod(open, 0o777)
	type dirCase struct {
		dir     string
		ok      bool
		details []string
	}
	cases := []dirCase{
		{base, true, []string{"safe for"}},
		{filepath.Join(base, "new", "home"), true, []string{"not made yet"}},
		{filepath.Join(open, "home"), false, []string{open + " may be written by others", "mode 0777"}},
	}
	if os.Geteuid() == 0 {
		theirs := filepath.Join(base, "theirs")
		os.Mkdir(theirs, 0o755)
		os.Chown(theirs, 65534, 65534)
		cases = append(cases, dirCase{filepath.Join(theirs, "run"), false,
			[]string{theirs + " belongs to another user", "uid 65534", "mode 0755"}})
	}
	for _, c := range cases {
		for _, g := range DirChecks(c.dir, c.dir) {
			if g.OK != c.ok {
				t.Errorf("%s for %s = %+v, want ok %v", g.Name, c.dir, g, c.ok)
			}
			for _, d := range c.details {
				if !strings.Contains(g.Detail, d) {
					t.Errorf("%s for %s says %q, want %q in it", g.Name, c.dir, g.Detail, d)
				}
			}
		}
	}
}
