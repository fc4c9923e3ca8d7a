package safepath

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/internal/testenv"
	"golang.org/x/sys/unix"
)

// top is a fresh directory with a path that is safe for the test's user.
func top(t *testing.T) string {
	t.Helper()
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := Check(dir); err != nil {
		t.Skipf("the temp directory is not safe to start from: %v", err)
	}
	return dir
}

// mkdir makes a directory of mode (permission, setgid and sticky bits as
// chmod(2) takes them), past the umask.
func mkdir(t *testing.T, path string, mode uint32) string {
	t.Helper()
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := unix.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

func wantUnsafe(t *testing.T, err error, dir, why string) *UnsafeError {
	t.Helper()
	var ue *UnsafeError
	if !errors.As(err, &ue) || ue.Dir != dir || !strings.Contains(ue.Why, why) {
		t.Fatalf("error = %v, want an UnsafeError at %s that %s", err, dir, why)
	}
	return ue
}

func TestOpenSafe(t *testing.T) {
	base := top(t)
	a := mkdir(t, filepath.Join(base, "a"), 0o755)
	d, err := Open(a)
	if err != nil {
		t.Fatalf("Open(%s) = %v", a, err)
	}
	defer d.Close()
	if d.Path != a {
		t.Errorf("Path = %s, want %s", d.Path, a)
	}
	// The descriptor is the directory: a file made through it is there.
	if err := os.WriteFile(filepath.Join("/proc/self/fd", strconv.Itoa(d.Fd()), "f"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(a, "f")); err != nil {
		t.Errorf("the descriptor is not %s: %v", a, err)
	}
}

func TestWritableByOthers(t *testing.T) {
	base := top(t)
	open := mkdir(t, filepath.Join(base, "open"), 0o777)
	mkdir(t, filepath.Join(open, "in"), 0o755)
	wantUnsafe(t, Check(filepath.Join(open, "in")), open, "may be written by others")
	group := mkdir(t, filepath.Join(base, "group"), 0o770)
	wantUnsafe(t, Check(group), group, "may be written by others")
}

// A sticky directory that anyone may write, as /tmp, is fine on the way
// but not as the directory itself.
func TestSticky(t *testing.T) {
	base := top(t)
	tmp := mkdir(t, filepath.Join(base, "tmp"), 0o1777)
	in := mkdir(t, filepath.Join(tmp, "in"), 0o700)
	if err := Check(in); err != nil {
		t.Errorf("Check(%s) below a sticky directory = %v", in, err)
	}
	ue := wantUnsafe(t, Check(tmp), tmp, "may be written by others")
	if ue.Mode != 0o1777 {
		t.Errorf("mode = %04o, want 1777", ue.Mode)
	}
	if err := Check(filepath.Join(in, "..")); err == nil {
		t.Errorf("Check(%s/..) = nil, want the sticky directory refused", in)
	}
}

func TestSymlinks(t *testing.T) {
	base := top(t)
	real := mkdir(t, filepath.Join(base, "real"), 0o755)
	mkdir(t, filepath.Join(real, "sub"), 0o755)
	os.Symlink(real, filepath.Join(base, "abs"))
	os.Symlink("real/sub/..", filepath.Join(base, "rel"))
	os.Symlink("loop", filepath.Join(base, "loop"))
	for _, p := range []string{"abs/sub", "rel/sub", "abs/../real/sub"} {
		d, err := Open(filepath.Join(base, p))
		if err != nil {
			t.Errorf("Open(%s) = %v", p, err)
			continue
		}
		if want := filepath.Join(real, "sub"); d.Path != want {
			t.Errorf("Open(%s).Path = %s, want %s", p, d.Path, want)
		}
		d.Close()
	}
	if err := Check(filepath.Join(base, "loop")); !errors.Is(err, unix.ELOOP) {
		t.Errorf("Check(loop) = %v, want ELOOP", err)
	}
}

func TestMkdirAll(t *testing.T) {
	base := top(t)
	want := filepath.Join(base, "x", "y")
	d, err := MkdirAll(want, 0o700)
	if err != nil {
		t.Fatalf("MkdirAll() = %v", err)
	}
	d.Close()
	for _, p := range []string{filepath.Dir(want), want} {
		if info, err := os.Lstat(p); err != nil || info.Mode() != os.ModeDir|0o700 {
			t.Errorf("%s: %v, %v; want a directory of mode 0700", p, info, err)
		}
	}
	if err := Check(filepath.Join(base, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Check(missing) = %v, want ErrNotExist", err)
	}
	f := filepath.Join(base, "file")
	os.WriteFile(f, nil, 0o600)
	wantUnsafe(t, Check(f), f, "not a directory")
}

// Directories and symlinks of another user make a path unsafe, even in a
// sticky directory; the error names the directory, its owner and mode.
func TestOtherUsers(t *testing.T) {
	testenv.RequireRoot(t)
	base := top(t)
	theirs := mkdir(t, filepath.Join(base, "theirs"), 0o755)
	tmp := mkdir(t, filepath.Join(base, "tmp"), 0o1777)
	mine := mkdir(t, filepath.Join(base, "mine"), 0o755)
	link := filepath.Join(tmp, "link")
	os.Symlink(mine, link)
	dirInTmp := mkdir(t, filepath.Join(tmp, "dir"), 0o755)
	for _, p := range []string{theirs, link, dirInTmp} {
		if err := os.Lchown(p, 65534, 65534); err != nil {
			t.Fatal(err)
		}
	}
	mkdir(t, filepath.Join(theirs, "sandbox"), 0o700)
	ue := wantUnsafe(t, Check(filepath.Join(theirs, "sandbox")), theirs, "belongs to another user")
	if ue.UID != 65534 || ue.Mode != 0o755 || !strings.Contains(ue.Error(), "65534") || !strings.Contains(ue.Error(), "0755") {
		t.Errorf("error = %q (uid %d, mode %04o), want it to name uid 65534 and mode 0755", ue, ue.UID, ue.Mode)
	}
	wantUnsafe(t, Check(link), link, "symlink of another user's")
	wantUnsafe(t, Check(dirInTmp), dirInTmp, "belongs to another user")
	if _, err := MkdirAll(filepath.Join(theirs, "new"), 0o700); err == nil {
		t.Error("MkdirAll() below another user's directory = nil")
	}
}

// TestTrusting: the author of a configuration is trusted with the
// directories on the way to one it names, not with that directory.
func TestTrusting(t *testing.T) {
	testenv.RequireRoot(t)
	base := top(t)
	theirs := mkdir(t, filepath.Join(base, "theirs"), 0o755)
	os.Chown(theirs, 65534, 65534)
	state := filepath.Join(theirs, "state")
	d, err := MkdirAllTrusting(state, 0o700, 65534)
	if err != nil {
		t.Fatalf("MkdirAllTrusting(below the author's directory) = %v", err)
	}
	d.Close()
	if _, err := MkdirAll(state, 0o700); err == nil {
		t.Error("MkdirAll() trusted the author without being asked to")
	}
	wantUnsafe(t, func() error { _, err := MkdirAllTrusting(theirs, 0o700, 65534); return err }(), theirs, "belongs to another user")
}
