package launcher

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/hclsandbox/sandbox/internal/testenv"
)

// A user without privileges runs an ephemeral and a persistent overlay
// root with a binary whose kernel refuses overlays in user namespaces:
// both mount through fuse-overlayfs, the write lands in the upper
// directory and not in the rootfs, and once the sandbox ends no mount,
// fuse-overlayfs process or temporary file of the user is left.
func TestRootlessOverlayThroughFuseOverlayfs(t *testing.T) {
	requireFuseOverlayfs(t)
	u := namedTestUser(t, "sandbox-fuse-test")
	bin := refusingBuild(t)
	for _, mode := range []string{"ephemeral", "persistent"} {
		t.Run(mode, func(t *testing.T) {
			dir := userDir(t, u)
			if err := os.Chmod(filepath.Dir(filepath.Dir(dir)), 0o755); err != nil { // u reads under it
				t.Fatal(err)
			}
			rootfs := filepath.Join(dir, "rootfs")
			if err := testenv.MakeRootfs(rootfs, testenv.Probe(t)); err != nil {
				t.Fatal(err)
			}
			testenv.RequireBusybox(t, rootfs)
			chownTree(t, rootfs, u)
			run, state := filepath.Join(dir, "run"), filepath.Join(dir, "state")
			before, temps := fuseDaemons(t), tempOf(t, u)
			code, stdout, stderr := runAs(t, bin, u, filepath.Join(dir, "fuse.hcl"), run, fmt.Sprintf(`sandbox "rootless" {
  rootfs {
    source    = %q
    mode      = %q
%s  }
  command = ["/bin/sh", "-c", %q]
}
`, rootfs, mode, stateLine(mode, state), rootMountCheck))
			if got := strings.Join(strings.Fields(stdout), " "); code != 0 || got != "new fuse.fuse-overlayfs" {
				t.Fatalf("exit %d, printed %q (stderr %s); want the write read back on a fuse-overlayfs root", code, stdout, stderr)
			}
			if _, err := os.Lstat(filepath.Join(rootfs, "written")); err == nil {
				t.Error("the write reached the rootfs directory")
			}
			if mode == "persistent" {
				if b, err := os.ReadFile(filepath.Join(state, "upper", "written")); err != nil || string(b) != "new\n" {
					t.Errorf("upper/written = %q, %v; want the sandbox's write", b, err)
				}
			}
			if after := fuseDaemons(t); after > before {
				t.Errorf("%d fuse-overlayfs processes after the sandbox ended, %d before", after, before)
			}
			assertNoMountUnder(t, dir)
			if left := tempOf(t, u); len(left) > len(temps) {
				t.Errorf("temporary files of uid %d after the sandbox ended: %v, before: %v", u.uid, left, temps)
			}
		})
	}
}

// As that user, the launcher without the tag mounts the overlay root with
// the kernel, and the tagged one, without fuse-overlayfs on PATH, fails
// with the kernel's refusal and the command that installs it.
func TestRootlessOverlayKernelOrAdvice(t *testing.T) {
	requireFuseOverlayfs(t)
	u := namedTestUser(t, "sandbox-fuse-test")
	dir := userDir(t, u)
	if err := os.Chmod(filepath.Dir(filepath.Dir(dir)), 0o755); err != nil {
		t.Fatal(err)
	}
	rootfs := filepath.Join(dir, "rootfs")
	if err := testenv.MakeRootfs(rootfs, testenv.Probe(t)); err != nil {
		t.Fatal(err)
	}
	testenv.RequireBusybox(t, rootfs)
	chownTree(t, rootfs, u)
	cfg := filepath.Join(dir, "fuse.hcl")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf("sandbox \"rootless\" {\n  rootfs  = %q\n  command = [\"/bin/sh\", \"-c\", %q]\n}\n", rootfs, rootMountCheck)), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(bin, path string) (int, string, string) {
		var out, errOut strings.Builder
		cmd := exec.Command(bin, "run", cfg, "rootless")
		cmd.Dir, cmd.Stdout, cmd.Stderr = "/", &out, &errOut
		cmd.Env = []string{"PATH=" + path, "HOME=/", "SANDBOX_RUN=" + filepath.Join(dir, "run")}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: u.uid, Gid: u.gid}}
		cmd.Run()
		return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
	}
	code, stdout, stderr := run(testenv.Build(t, "github.com/hclsandbox/sandbox/cmd/sandbox"), "/usr/bin:/bin")
	if got := strings.Join(strings.Fields(stdout), " "); code != 0 || got != "new overlay" {
		t.Errorf("untagged: exit %d, printed %q (stderr %s); want the write on a kernel overlay root", code, stdout, stderr)
	}
	code, _, stderr = run(refusingBuild(t), "/nonexistent")
	if code == 0 || !strings.Contains(stderr, "apt-get install fuse-overlayfs") {
		t.Errorf("without fuse-overlayfs: exit %d, stderr %q; want the refusal naming apt-get install fuse-overlayfs", code, stderr)
	}
}

func stateLine(mode, state string) string {
	if mode != "persistent" {
		return ""
	}
	return fmt.Sprintf("    state_dir = %q\n", state)
}

// refusingBuild builds the launcher with the tag that makes the kernel's
// overlay mounts fail as before Linux 5.11.
func refusingBuild(t *testing.T) string {
	t.Helper()
	if os.Getenv(testenv.PrebuiltEnv) != "" {
		testenv.Missing(t, "needs the go tool to build a binary with the tag sandbox_refuse_overlay")
	}
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil { // u runs it
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "sandbox")
	cmd := exec.Command("go", "build", "-tags", "sandbox_refuse_overlay", "-o", bin, "github.com/hclsandbox/sandbox/cmd/sandbox")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build with sandbox_refuse_overlay: %v\n%s", err, out)
	}
	return bin
}

// chownTree gives the tree at root to u.
func chownTree(t *testing.T, root string, u testUser) {
	t.Helper()
	err := filepath.Walk(root, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, int(u.uid), int(u.gid))
	})
	if err != nil {
		t.Fatal(err)
	}
}

// tempOf lists the entries of the host's temporary directory that u owns.
func tempOf(t *testing.T, u testUser) []string {
	t.Helper()
	entries, err := os.ReadDir(os.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var owned []string
	for _, e := range entries {
		info, err := e.Info()
		if st, ok := info.Sys().(*syscall.Stat_t); err == nil && ok && st.Uid == u.uid {
			owned = append(owned, e.Name())
		}
	}
	return owned
}
