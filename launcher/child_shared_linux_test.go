package launcher

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/internal/testenv"
	"golang.org/x/sys/unix"
)

// vouchedCopy caches bin in dir as root's launcher does, and dates root's
// record of it past the racy margin, as a start a second later would.
func vouchedCopy(t *testing.T, bin []byte, dir string) (path string) {
	t.Helper()
	digest := digestOf(bin)
	fd, err := readonlyChild(bin, digest, dir)
	if err != nil {
		t.Fatalf("readonlyChild() = %v", err)
	}
	unix.Close(fd)
	path = filepath.Join(dir, "sandbox-init-"+digest)
	later := time.Now().Add(2 * racyMargin)
	ts := []unix.Timespec{unix.NsecToTimespec(later.UnixNano()), unix.NsecToTimespec(later.UnixNano())}
	if err := unix.UtimesNanoAt(unix.AT_FDCWD, path+checkedSuffix, ts, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestSharedChildChecked gives a launcher without root root's cached
// child only while root vouches for it: each change that takes root's
// word away sends the launcher back to its memfd copy.
func TestSharedChildChecked(t *testing.T) {
	testenv.RequireRoot(t)
	bin := []byte("#!/bin/sh\nexit 0\n")
	digest := digestOf(bin)
	for name, change := range map[string]func(path string) error{
		"as root left it": nil,
		"no record":       func(p string) error { return os.Remove(p + checkedSuffix) },
		"a fresh record": func(p string) error {
			now := unix.NsecToTimespec(time.Now().UnixNano())
			return unix.UtimesNanoAt(unix.AT_FDCWD, p+checkedSuffix, []unix.Timespec{now, now}, unix.AT_SYMLINK_NOFOLLOW)
		},
		"a record of another owner": func(p string) error { return os.Lchown(p+checkedSuffix, 65534, 65534) },
		"a copy of another owner":   func(p string) error { return os.Chown(p, 65534, 65534) },
		"a group writable copy":     func(p string) error { return os.Chmod(p, 0o575) },
		"another version": func(p string) error {
			return writeAs(p, []byte("#!/bin/sh\nexit 7\n"))
		},
		"a directory of another user": func(p string) error { return os.Chown(filepath.Dir(p), 65534, 65534) },
	} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "bin")
			path := vouchedCopy(t, bin, dir)
			if change != nil {
				// Root's record is dated ahead, as if root had checked the
				// copy seconds after making it; a change comes after that
				// check, so in a later tick of the clock that stamps change
				// times (coarse: 10 ms on a kernel with HZ=100).
				time.Sleep(50 * time.Millisecond)
				if err := change(path); err != nil {
					t.Fatal(err)
				}
			}
			fd, err := sharedChild(digest, dir)
			if change != nil {
				if err == nil {
					unix.Close(fd)
					t.Fatal("sharedChild() gave the copy root no longer vouches for")
				}
				return
			}
			if err != nil {
				t.Fatalf("sharedChild() = %v", err)
			}
			defer unix.Close(fd)
			var got, want unix.Stat_t
			if unix.Fstat(fd, &got) != nil || unix.Stat(path, &want) != nil || got.Ino != want.Ino || fd < childFDMin {
				t.Errorf("fd %d is not root's copy at %d or above", fd, childFDMin)
			}
		})
	}
}

// leanBuild builds the launcher as make build does, with the lean child
// embedded, and with root's shared child kept in shared.
func leanBuild(t *testing.T, shared string) (bin, childSum string) {
	t.Helper()
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	child := filepath.Join(dir, "sandbox-init")
	build := func(args ...string) {
		cmd := exec.Command(testenv.GoTool(), append([]string{"build"}, args...)...)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	build("-o", child, "github.com/hclsandbox/sandbox/cmd/sandbox-init")
	b, err := os.ReadFile(child)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	childSum = hex.EncodeToString(sum[:])
	embedded, err := filepath.Abs("sandbox-init")
	if err != nil {
		t.Fatal(err)
	}
	overlay := filepath.Join(dir, "overlay.json")
	if err := os.WriteFile(overlay, []byte(`{"Replace":{`+strconv.Quote(embedded)+`:`+strconv.Quote(child)+`}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	bin = filepath.Join(dir, "sandbox")
	build("-tags", "embedchild", "-overlay", overlay, "-o", bin, "-ldflags",
		"-X github.com/hclsandbox/sandbox/launcher.childDigest="+childSum+
			" -X github.com/hclsandbox/sandbox/launcher.sharedChildDir="+shared,
		"github.com/hclsandbox/sandbox/cmd/sandbox")
	return bin, childSum
}

// A launcher without root runs root's cached child in place once root
// has vouched for it, and the sandbox cannot write it: the exe-write
// attack of checklist 13 from inside a rootless sandbox with an init
// opens nothing, and root's copy keeps its content.
func TestRootlessRunsRootsChildInPlace(t *testing.T) {
	testenv.RequireRoot(t)
	u := newSubIDUser(t, 65536)
	rootfs := testenv.Rootfs(t)
	testenv.RequireBusybox(t, rootfs)
	top := t.TempDir()
	os.Chmod(top, 0o755)
	home := filepath.Join(top, "home")
	bin, sum := leanBuild(t, filepath.Join(home, "bin"))
	cfg := filepath.Join(top, "s.hcl")
	attack := `for p in /proc/[0-9]*/exe; do (echo x >> $p) 2>/dev/null && echo "wrote $p"; done; echo done; read x || true`
	body := "sandbox \"s\" {\n  rootfs {\n    source = " + strconv.Quote(rootfs) + "\n    mode = \"readonly\"\n  }\n  init = true\n" +
		"  command = [\"/bin/sh\", \"-c\", " + strconv.Quote(attack) + "]\n}\n"
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	// Root's two starts, a second apart: the first caches the child, the
	// second vouches for the copy.
	for i := 0; i < 2; i++ {
		cmd := exec.Command(bin, "run", cfg, "s")
		cmd.Env = []string{"PATH=/usr/bin:/bin", "SANDBOX_HOME=" + home, "SANDBOX_RUN=" + filepath.Join(top, "run")}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("root's start: %v\n%s", err, out)
		}
		if i == 0 {
			time.Sleep(racyMargin + 100*time.Millisecond)
		}
	}
	shared := filepath.Join(home, "bin", "sandbox-init-"+sum)

	var out, errOut bytes.Buffer
	cmd := exec.Command(bin, "run", cfg, "s")
	cmd.Dir = "/"
	cmd.Stdout, cmd.Stderr = &out, &errOut
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=/", "SANDBOX_RUN=" + u.run, "SANDBOX_HOME=" + u.run}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: u.uid, Gid: u.gid}}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	inPlace := waitForChildExe(cmd.Process.Pid, shared, 10*time.Second)
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("rootless run: %v\nstdout: %s\nstderr: %s", err, out.String(), errOut.String())
	}
	if !inPlace {
		t.Errorf("no child of the rootless launcher ran root's copy %s in place", shared)
	}
	if !strings.Contains(out.String(), "done") || strings.Contains(out.String(), "wrote") {
		t.Errorf("the exe-write attack inside: %q", out.String())
	}
	if b, err := os.ReadFile(shared); err != nil || digestOf(b) != sum {
		t.Errorf("root's copy %s changed or went (%v)", shared, err)
	}
	// The init is not dumpable, so the attack above cannot even open its
	// /proc/1/exe. What stands behind that: with the sandbox's ids, root
	// inside a user namespace that maps the caller, root's copy does not
	// open for writing, where a copy of the caller's would.
	own := filepath.Join(top, "own-copy")
	if err := os.WriteFile(own, []byte("#!/bin/sh\n"), 0o555); err != nil {
		t.Fatal(err)
	}
	os.Chown(own, int(u.uid), int(u.gid))
	if err := writeAsSandboxRoot(u, own); err != nil {
		t.Fatalf("the probe cannot write even the caller's own copy, so it proves nothing: %v", err)
	}
	if err := writeAsSandboxRoot(u, shared); err == nil {
		t.Errorf("root inside a rootless sandbox's user namespace opened root's copy %s for writing", shared)
	}
}

// writeAsSandboxRoot opens path for appending as a sandbox of u's has its
// root: uid 0 of a new user namespace that maps u's own ids, with every
// capability there.
func writeAsSandboxRoot(u *subIDTestUser, path string) error {
	cmd := exec.Command("/bin/sh", "-c", `: >> "$1"`, "sh", path)
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:  syscall.CLONE_NEWUSER,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: int(u.uid), Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: int(u.gid), Size: 1}},
		Credential:  &syscall.Credential{Uid: 0, Gid: 0},
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%v: %s", err, out)
	}
	return nil
}

// waitForChildExe reports whether a child of process pid runs the
// program at path before timeout.
func waitForChildExe(pid int, path string, timeout time.Duration) bool {
	tasks := "/proc/" + strconv.Itoa(pid) + "/task"
	for end := time.Now().Add(timeout); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		entries, _ := os.ReadDir(tasks)
		for _, e := range entries {
			b, _ := os.ReadFile(filepath.Join(tasks, e.Name(), "children"))
			for _, child := range strings.Fields(string(b)) {
				if exe, _ := os.Readlink("/proc/" + child + "/exe"); exe == path {
					return true
				}
			}
		}
	}
	return false
}
