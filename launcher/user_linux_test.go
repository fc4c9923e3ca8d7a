package launcher

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/testenv"
)

// withPasswd adds /etc/passwd and /etc/group to a test rootfs.
func withPasswd(t *testing.T, rootfs string) {
	t.Helper()
	files := map[string]string{
		"etc/passwd": "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n",
		"etc/group":  "root:x:0:\napp:x:1000:\naudio:x:29:app\nvideo:x:44:other\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(rootfs, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSandboxUser(t *testing.T) {
	testenv.RequireRoot(t)
	rootfs := testenv.Rootfs(t)
	withPasswd(t, rootfs)
	cases := []struct {
		user, uid, gid, groups string
	}{
		{"app", "1000", "1000", "1000 29"},
		{"1000", "1000", "1000", "1000 29"},
		{"2000:3000", "2000", "3000", "3000"},
		{"app:audio", "1000", "29", "29"},
	}
	for _, tc := range cases {
		t.Run(tc.user, func(t *testing.T) {
			s := sandboxFor(rootfs)
			s.Security.User = tc.user
			r := probe(t, s)
			if f := strings.Fields(r.Status["Uid"]); len(f) != 4 || f[0] != tc.uid || f[1] != tc.uid {
				t.Errorf("Uid = %q, want %s everywhere", r.Status["Uid"], tc.uid)
			}
			if f := strings.Fields(r.Status["Gid"]); len(f) != 4 || f[0] != tc.gid {
				t.Errorf("Gid = %q, want %s", r.Status["Gid"], tc.gid)
			}
			groups := strings.Fields(r.Status["Groups"])
			slices.Sort(groups)
			if strings.Join(groups, " ") != tc.groups {
				t.Errorf("Groups = %q, want %q", r.Status["Groups"], tc.groups)
			}
			for _, set := range []string{"CapPrm", "CapEff", "CapAmb", "CapInh"} {
				if r.Status[set] != "0000000000000000" {
					t.Errorf("%s = %s for a non-root user, want none", set, r.Status[set])
				}
			}
		})
	}
}

func TestSandboxUnknownUserIs125(t *testing.T) {
	testenv.RequireRoot(t)
	rootfs := testenv.Rootfs(t)
	withPasswd(t, rootfs)
	s := sandboxFor(rootfs)
	s.Security.User = "nosuchuser"
	_, res := runSandbox(t, s)
	if res.ExitCode != 125 || res.SetupError == nil || !strings.Contains(res.SetupError.Error(), `no user "nosuchuser" in the sandbox's /etc/passwd`) {
		t.Errorf("exit %d, error %v; want 125 naming the missing user", res.ExitCode, res.SetupError)
	}
}

// Checklist 11: a setuid-root binary run by a non-root user stays non-root.
func TestSandboxSetuidGivesNothing(t *testing.T) {
	testenv.RequireRoot(t)
	rootfs := testenv.Rootfs(t)
	withPasswd(t, rootfs)
	suid := filepath.Join(rootfs, "suid-probe")
	data, err := os.ReadFile(filepath.Join(rootfs, "probe"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(suid, data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(suid, 0, 0); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(suid, 0o4755); err != nil {
		t.Fatal(err)
	}
	s := sandboxFor(rootfs)
	s.Command = []string{"/suid-probe"}
	s.Security.User = "app"
	r := probe(t, s)
	if f := strings.Fields(r.Status["Uid"]); len(f) < 2 || f[1] != "1000" {
		t.Errorf("effective uid of a setuid-root binary = %q, want 1000", r.Status["Uid"])
	}
	if r.Status["NoNewPrivs"] != "1" {
		t.Errorf("NoNewPrivs = %q, want 1", r.Status["NoNewPrivs"])
	}
}

func TestSandboxCapabilityAdjustments(t *testing.T) {
	testenv.RequireRoot(t)
	s := sandboxFor(testenv.Rootfs(t))
	s.Security.CapAdd = []string{"CAP_NET_RAW"}
	s.Security.CapDrop = []string{"CAP_CHOWN", "CAP_KILL"}
	r := probe(t, s)
	want := uint64(0)
	for _, c := range capabilities(s.Security.CapAdd, s.Security.CapDrop) {
		want |= 1 << capNumber(t, c)
	}
	if got := r.Status["CapEff"]; got != hex16(want) {
		t.Errorf("CapEff = %s, want %s", got, hex16(want))
	}
	if want&(1<<13) == 0 || want&1 != 0 {
		t.Errorf("capabilities(%v, %v) = %x: NET_RAW not added or CHOWN not dropped", s.Security.CapAdd, s.Security.CapDrop, want)
	}
}

func TestSandboxSeccompSettings(t *testing.T) {
	testenv.RequireRoot(t)
	rootfs := testenv.Rootfs(t)
	s := sandboxFor(rootfs)
	s.Security.Seccomp = config.SeccompConfig{Profile: config.SeccompUnconfined}
	if r := probe(t, s); r.Status["Seccomp"] != "0" {
		t.Errorf("unconfined: Seccomp = %q, want 0", r.Status["Seccomp"])
	}
	s = sandboxFor(rootfs, "syscalls")
	s.Security.Seccomp = config.SeccompConfig{Profile: config.SeccompDefault, Allow: []string{"keyctl"}}
	out, res := runSandbox(t, s)
	if res.ExitCode != 0 || !strings.Contains(out, `"keyctl":"`) || strings.Contains(out, `"keyctl":"EPERM"`) {
		t.Errorf("allow keyctl: exit %d, report %s; want keyctl to reach the kernel", res.ExitCode, out)
	}
	s = sandboxFor(rootfs)
	s.Security.Seccomp = config.SeccompConfig{Profile: config.SeccompDefault, Deny: []string{"getcwd"}}
	r := probe(t, s)
	if !strings.Contains(r.CwdAfterUp, "operation not permitted") {
		t.Errorf("deny getcwd: getcwd gave %q, want operation not permitted", r.CwdAfterUp)
	}
}
