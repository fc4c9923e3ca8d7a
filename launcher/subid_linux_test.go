package launcher

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/hclsandbox/sandbox/internal/testenv"
)

// subIDEtc are the account files of the busybox rootfs of these tests.
var subIDEtc = map[string]string{
	"passwd": "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/tmp:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
	"group":  "root:x:0:\nalice:x:1000:\nnogroup:x:65534:\n",
}

// subIDRootfs is a busybox rootfs with users root, alice (1000) and
// nobody (65534), and a directory the test user owns for a bind mount.
func subIDRootfs(t *testing.T, u *subIDTestUser) (rootfs, share string) {
	t.Helper()
	rootfs = testenv.Rootfs(t)
	testenv.RequireBusybox(t, rootfs)
	for name, text := range subIDEtc {
		if err := os.WriteFile(filepath.Join(rootfs, "etc", name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	share = filepath.Join(filepath.Dir(rootfs), "share")
	if err := os.Mkdir(share, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(share, int(u.uid), int(u.gid)); err != nil {
		t.Fatal(err)
	}
	os.Chmod(share, 0o777) // root inside, with uid_map, is not its owner
	return rootfs, share
}

// A user with subordinate ranges runs a multi-user rootfs without root:
// root inside is the user, ids 1 and up its ranges, so the rootfs's other
// users exist inside. Each case failed while only the user's own id was
// mapped.
func TestRootlessSubIDs(t *testing.T) {
	testenv.RequireRoot(t)
	u := newSubIDUser(t, 65536)
	bin := testenv.Build(t, "github.com/hclsandbox/sandbox/cmd/sandbox")
	rootfs, share := subIDRootfs(t, u)
	cfg := filepath.Join(filepath.Dir(rootfs), "subid.hcl")
	run := func(t *testing.T, attrs, script string) (string, string) {
		t.Helper()
		body := fmt.Sprintf("sandbox \"s\" {\n  rootfs = %q\n  %s\n  mount {\n    type   = \"bind\"\n    source = %q\n    target = \"/share\"\n  }\n  command = [\"/bin/sh\", \"-c\", %q]\n}\n",
			rootfs, attrs, share, script)
		stdout, stderr, code := u.sandboxAs(t, bin, cfg, "s", body, "/usr/bin:/bin")
		if code != 0 {
			t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
		}
		return strings.Join(strings.Fields(stdout), " "), stderr
	}
	t.Run("nobody", func(t *testing.T) {
		// The child starts with every capability ambient, so inheritable
		// too: none may stay, on the target or on any thread of the init,
		// and every thread has switched user.
		out, stderr := run(t, `user = "nobody"`, "busybox id -u; grep -hE '^(Uid|Gid|Groups|Cap(Inh|Prm|Eff|Amb)|NoNewPrivs|Seccomp):' "+
			"/proc/1/task/*/status /proc/self/status | busybox sort -u")
		want := "65534 CapAmb: 0000000000000000 CapEff: 0000000000000000 CapInh: 0000000000000000 CapPrm: 0000000000000000 " +
			"Gid: 65534 65534 65534 65534 Groups: 65534 NoNewPrivs: 1 Seccomp: 2 Uid: 65534 65534 65534 65534"
		if out != want {
			t.Errorf("as nobody: %q, want %q", out, want)
		}
		if strings.Contains(stderr, "mapped to uid") {
			t.Errorf("stderr = %q: says the user's id alone is mapped", stderr)
		}
	})
	t.Run("setuid", func(t *testing.T) {
		out, stderr := run(t, "", "busybox su -s /bin/sh alice -c 'busybox id'; cat /proc/self/uid_map /proc/self/gid_map")
		want := fmt.Sprintf("uid=1000(alice) gid=1000(alice) groups=1000(alice) 0 %d 1 1 %d %d 0 %d 1 1 %d %d",
			u.uid, u.start, u.count, u.gid, u.start, u.count)
		if out != want {
			t.Errorf("su to alice: %q, want %q (stderr %q)", out, want, stderr)
		}
	})
	t.Run("owners", func(t *testing.T) {
		run(t, "", "busybox touch /share/root /share/alice && busybox chown 1000:1000 /share/alice")
		for name, want := range map[string][2]uint32{"root": {u.uid, u.gid}, "alice": {u.start + 999, u.start + 999}} {
			var st syscall.Stat_t
			if err := syscall.Stat(filepath.Join(share, name), &st); err != nil {
				t.Fatal(err)
			}
			if st.Uid != want[0] || st.Gid != want[1] {
				t.Errorf("file %s made inside is owned by %d:%d on the host, want %d:%d", name, st.Uid, st.Gid, want[0], want[1])
			}
		}
	})
	t.Run("plan", func(t *testing.T) {
		stdout, stderr, code := u.commandAs(t, "/usr/bin:/bin", bin, "plan", cfg)
		want := fmt.Sprintf("map ids into the user namespace with newuidmap and newgidmap (the caller's ranges in /etc/subuid and /etc/subgid): "+
			"uid 0->%d (1 ids), 1->%d (%d ids); gid 0->%d (1 ids), 1->%d (%d ids); become root inside", u.uid, u.start, u.count, u.gid, u.start, u.count)
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("plan: exit %d, stdout %q, stderr %q; want the step %q", code, stdout, stderr, want)
		}
	})
	t.Run("uid_map", func(t *testing.T) {
		maps := fmt.Sprintf("namespaces = [\"user\", \"uts\", \"pid\", \"mount\", \"ipc\", \"net\"]\n  uid_map = [\"0:%d:%d\"]\n  gid_map = [\"0:%d:%d\"]",
			u.start, u.count, u.start, u.count)
		out, _ := run(t, maps, "busybox id -u; cat /proc/self/uid_map; busybox touch /share/mapped")
		if want := fmt.Sprintf("0 0 %d %d", u.start, u.count); out != want {
			t.Errorf("with the file's uid_map: %q, want %q", out, want)
		}
		var st syscall.Stat_t
		if err := syscall.Stat(filepath.Join(share, "mapped"), &st); err != nil || st.Uid != u.start {
			t.Errorf("file made by root inside: owner %d (%v), want %d", st.Uid, err, u.start)
		}
	})
}

// Each way a rootless start with subordinate ids can fail names what is
// missing and how to fix it, exits 125 and starts nothing.
func TestRootlessSubIDErrors(t *testing.T) {
	testenv.RequireRoot(t)
	u := newSubIDUser(t, 65536)
	bin := testenv.Build(t, "github.com/hclsandbox/sandbox/cmd/sandbox")
	rootfs, _ := subIDRootfs(t, u)
	cfg := filepath.Join(filepath.Dir(rootfs), "errors.hcl")
	refusing := filepath.Join(filepath.Dir(rootfs), "refusing")
	if err := os.Mkdir(refusing, 0o755); err != nil {
		t.Fatal(err)
	}
	fake := "#!/bin/sh\necho \"newuidmap: uid range [1-65537) -> [X-Y) not allowed\" >&2\nexit 1\n"
	if err := os.WriteFile(filepath.Join(refusing, "newuidmap"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	os.Symlink("/usr/bin/newgidmap", filepath.Join(refusing, "newgidmap"))
	nsList := `namespaces = ["user", "uts", "pid", "mount", "ipc", "net"]`
	// The real newuidmap refuses a process whose gid is not the caller's
	// primary group, as after newgrp; what it says comes through.
	t.Run("other group", func(t *testing.T) {
		other := *u
		other.gid = 65534
		body := fmt.Sprintf("sandbox \"e\" {\n  rootfs = %q\n  command = [\"/bin/true\"]\n}\n", rootfs)
		_, stderr, code := other.sandboxAs(t, bin, cfg, "e", body, "/usr/bin:/bin")
		if code != 125 || !strings.Contains(stderr, "refused: newuidmap: Target process") || !strings.Contains(stderr, "primary gid") {
			t.Errorf("exit %d, stderr %q; want 125 and newuidmap's refusal", code, stderr)
		}
	})
	for name, c := range map[string]struct{ attrs, path, want string }{
		"range too small": {fmt.Sprintf("%s\n  uid_map = [\"0:%d:%d\"]", nsList, u.start, u.count+1), "/usr/bin:/bin",
			fmt.Sprintf("uid_map 0:%d:%d needs host ids %d-%d, outside %d and its ranges in /etc/subuid (%d-%d)",
				u.start, u.count+1, u.start, u.start+u.count, u.uid, u.start, u.start+u.count-1)},
		"not the caller's":  {fmt.Sprintf("%s\n  gid_map = [\"0:%d:1\"]", nsList, u.gid+1), "/usr/bin:/bin", "in /etc/subgid"},
		"no newuidmap":      {"", "/nonexistent", "newuidmap is not installed, and it alone may map your subordinate ids (/etc/subuid, /etc/subgid): install it (apt-get install uidmap)"},
		"newuidmap refused": {"", refusing + ":/usr/bin:/bin", "refused: newuidmap: uid range [1-65537) -> [X-Y) not allowed"},
	} {
		t.Run(name, func(t *testing.T) {
			body := fmt.Sprintf("sandbox \"e\" {\n  rootfs = %q\n  %s\n  command = [\"/bin/true\"]\n}\n", rootfs, c.attrs)
			stdout, stderr, code := u.sandboxAs(t, bin, cfg, "e", body, c.path)
			if code != 125 || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, stderr %q; want 125 and %q (stdout %q)", code, stderr, c.want, stdout)
			}
		})
	}
}

// The Debian rootfs of `make rootfs-debian` runs without root: apt is
// there, and a process can drop to _apt, a user of its own, as apt does.
func TestRootlessSubIDDebian(t *testing.T) {
	testenv.RequireRoot(t)
	root, _ := filepath.Abs(filepath.Join("..", "examples", "rootfs", "debian"))
	if _, err := os.Stat(filepath.Join(root, "usr", "bin", "apt-get")); err != nil {
		t.Skipf("no Debian rootfs at %s: run `make rootfs-debian` first", root)
	}
	if real, err := filepath.EvalSymlinks(root); err == nil {
		root = real // a rootfs is named by its real path
	}
	u := newSubIDUser(t, 65536)
	bin := testenv.Build(t, "github.com/hclsandbox/sandbox/cmd/sandbox")
	dir := t.TempDir()
	os.Chmod(filepath.Dir(dir), 0o755)
	os.Chmod(dir, 0o755)
	script := "apt-get --version | head -1; setpriv --reuid=_apt --regid=nogroup --clear-groups id"
	body := fmt.Sprintf("sandbox \"debian\" {\n  rootfs = %q\n  command = [\"/bin/sh\", \"-c\", %q]\n}\n", root, script)
	stdout, stderr, code := u.sandboxAs(t, bin, filepath.Join(dir, "debian.hcl"), "debian", body, "/usr/bin:/bin")
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if code != 0 || len(lines) != 2 || !strings.HasPrefix(lines[0], "apt ") || !strings.HasPrefix(lines[1], "uid=42(_apt) gid=65534(nogroup)") {
		t.Errorf("exit %d, output %q; want apt's version and the id of _apt (stderr %q)", code, stdout, stderr)
	}
}
