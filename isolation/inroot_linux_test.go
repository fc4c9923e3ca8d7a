package isolation

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// TestMkdirAllInRoot makes mount points inside a root full of symlinks
// that point out of it: the directory made and opened is inside the root,
// a symlink whose target does not exist inside it is refused, and nothing
// appears outside.
func TestMkdirAllInRoot(t *testing.T) {
	outside := t.TempDir()
	root := t.TempDir()
	for _, dir := range []string{"proc", "etc"} {
		if err := os.Mkdir(filepath.Join(root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, to := range map[string]string{"abs": outside, "up": "../../../../../../" + outside, "rel": "etc"} {
		if err := os.Symlink(to, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(root, "file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	rootf, err := os.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	defer rootf.Close()
	for target, want := range map[string]string{
		"/proc":         "proc",    // exists
		"/dev":          "dev",     // last component missing
		"/dev/pts":      "dev/pts", // then below it
		"/a/b/c":        "a/b/c",   // several missing
		"/abs":          "",        // the dangling symlink itself
		"/abs/x":        "",        // an absolute symlink out: dangling inside, refused
		"/up/y":         "",        // a relative one that climbs out: likewise
		"/rel/z":        "etc/z",   // a relative one inside
		"/proc/../../q": "q",       // .. stops at the root
	} {
		t.Run(target, func(t *testing.T) {
			f, err := mkdirAllInRoot(rootf, target)
			if want == "" {
				if err == nil {
					f.Close()
					t.Errorf("mkdirAllInRoot(%q) made a directory through a dangling symlink", target)
				}
				return
			}
			if err != nil {
				t.Fatalf("mkdirAllInRoot(%q) = %v", target, err)
			}
			defer f.Close()
			got, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(int(f.Fd())))
			if err != nil {
				t.Fatal(err)
			}
			if got != filepath.Join(root, want) {
				t.Errorf("mkdirAllInRoot(%q) opened %s, want %s", target, got, filepath.Join(root, want))
			}
		})
	}
	if entries, _ := os.ReadDir(outside); len(entries) > 0 {
		t.Errorf("made outside the root: %v", entries)
	}
	if _, err := mkdirAllInRoot(rootf, "/file"); err == nil {
		t.Error("mkdirAllInRoot of a regular file succeeded")
	}
}
