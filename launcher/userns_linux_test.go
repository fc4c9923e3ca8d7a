package launcher

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/testenv"
)

func withUserNamespace(s *config.Sandbox) *config.Sandbox {
	s.Namespaces = append([]string{"user"}, config.Namespaces...)
	return s
}

// withIDMaps maps root inside to 200000 outside, and 65535 ids more.
func withIDMaps(s *config.Sandbox) *config.Sandbox {
	s.UIDMap = []config.IDMap{{Inside: 0, Outside: 200000, Count: 65536}}
	s.GIDMap = []config.IDMap{{Inside: 0, Outside: 200000, Count: 65536}}
	return s
}

// Root inside a user namespace is an unprivileged id outside: the one an
// explicit uid_map and gid_map give, without anything allocated.
func TestSandboxUserNamespace(t *testing.T) {
	testenv.RequireRoot(t)
	rootfs := testenv.Rootfs(t)
	testenv.RequireBusybox(t, rootfs)
	s := withIDMaps(withUserNamespace(sandboxFor(rootfs)))
	s.Command = []string{"/bin/cat", "/proc/self/uid_map", "/proc/self/gid_map"}
	out, res := runSandbox(t, s)
	if res.ExitCode != 0 {
		t.Fatalf("exit %d (%s)", res.ExitCode, res.Describe())
	}
	want := "0 200000 65536"
	if got := strings.Join(strings.Fields(out), " "); got != want+" "+want {
		t.Errorf("id maps inside = %q, want %q for uids and gids", got, want)
	}
	r := probe(t, withIDMaps(withUserNamespace(sandboxFor(rootfs))))
	if f := strings.Fields(r.Status["Uid"]); len(f) == 0 || f[0] != "0" {
		t.Errorf("uid inside = %q, want 0", r.Status["Uid"])
	}
}

// A user without privileges runs a sandbox with a user namespace: root
// inside, its own uid outside, and no cgroup; a file that lists no "user"
// namespace runs unchanged, getting one all the same.
func TestRootlessSandbox(t *testing.T) {
	testenv.RequireRoot(t)
	u := unprivilegedUser(t)
	bin := testenv.Build(t, "github.com/hclsandbox/sandbox/cmd/sandbox")
	rootfs := testenv.Rootfs(t)
	testenv.RequireBusybox(t, rootfs)
	for name, namespaces := range map[string]string{
		"listed":    `namespaces = ["user", "uts", "pid", "mount", "ipc", "net"]`,
		"unchanged": "",
	} {
		t.Run(name, func(t *testing.T) {
			cfg := filepath.Join(filepath.Dir(rootfs), name+".hcl")
			stdout, stderr := runRootless(t, bin, u, cfg, fmt.Sprintf(`sandbox "rootless" {
  rootfs  = %q
  %s
  command = ["/bin/sh", "-c", "cat /proc/self/uid_map; echo uid=$(cat /proc/self/status | grep ^Uid)"]
}
`, rootfs, namespaces))
			if got, want := strings.Join(strings.Fields(stdout), " "), fmt.Sprintf("0 %d 1 uid=Uid: 0 0 0 0", u.uid); got != want {
				t.Errorf("rootless sandbox printed %q, want %q", got, want)
			}
			if !strings.Contains(stderr, "started without root: no cgroup") {
				t.Errorf("stderr = %q, want the warning that there is no cgroup", stderr)
			}
			if mapped := strings.Contains(stderr, "root inside mapped to uid"); mapped != (namespaces == "") {
				t.Errorf("stderr = %q: the note of a user namespace the file did not ask for is there: %v, want %v", stderr, mapped, namespaces == "")
			}
		})
	}
}

// runRootless writes body into cfg, a file u can read, and runs its
// sandbox "rootless" as u (runAs, records where u's go), failing the test
// unless it exits 0.
func runRootless(t *testing.T, bin string, u testUser, cfg, body string) (stdout, stderr string) {
	t.Helper()
	code, stdout, stderr := runAs(t, bin, u, cfg, "", body)
	if code != 0 {
		t.Fatalf("rootless run as uid %d: exit %d\nstdout: %s\nstderr: %s", u.uid, code, stdout, stderr)
	}
	return stdout, stderr
}

type testUser struct{ uid, gid uint32 }

// unprivilegedUser creates a system user for the test and removes it after.
func unprivilegedUser(t *testing.T) testUser {
	t.Helper()
	return namedTestUser(t, "sandbox-rootless-test")
}
