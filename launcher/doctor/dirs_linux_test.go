package doctor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
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
			if g.Name == "SANDBOX_RUN" && g.OK && !strings.Contains(g.Detail, "in memory") && !strings.Contains(g.Detail, "on a disk") {
				t.Errorf("SANDBOX_RUN for %s says %q, want what it is on", c.dir, g.Detail)
			}
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

// TestRunFilesystem: doctor says whether the records live in memory or on
// a disk, for a directory or the nearest one above it that exists.
func TestRunFilesystem(t *testing.T) {
	dir := t.TempDir()
	var fs unix.Statfs_t
	if err := unix.Statfs(dir, &fs); err != nil {
		t.Fatal(err)
	}
	want := "on a disk filesystem"
	if fs.Type == unix.TMPFS_MAGIC {
		want = "in memory (tmpfs)"
	}
	for _, d := range []string{dir, filepath.Join(dir, "not", "made")} {
		if got := runFilesystem(d); !strings.Contains(got, want) {
			t.Errorf("runFilesystem(%s) = %q, want %q in it", d, got, want)
		}
	}
	if os.Geteuid() != 0 {
		return
	}
	mem := filepath.Join(dir, "mem")
	os.Mkdir(mem, 0o700)
	if err := unix.Mount("tmpfs", mem, "tmpfs", 0, "size=1m"); err != nil {
		t.Fatal(err)
	}
	defer unix.Unmount(mem, unix.MNT_DETACH)
	if got := runFilesystem(mem); !strings.Contains(got, "in memory (tmpfs)") {
		t.Errorf("runFilesystem(%s) = %q, want in memory", mem, got)
	}
}
