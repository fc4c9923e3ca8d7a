package launcher

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/internal/probe/report"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/testenv"
)

// probeReport is the probe's JSON report.
type probeReport = report.Report

// sandboxFor declares a sandbox on rootfs running the probe with args.
func sandboxFor(rootfs string, args ...string) *config.Sandbox {
	return &config.Sandbox{
		Name:       "probe",
		Command:    append([]string{"/probe"}, args...),
		Rootfs:     rootfs,
		Namespaces: append([]string(nil), config.Namespaces...),
	}
}

// runSandbox starts s and waits for it, returning its stdout and result.
func runSandbox(t *testing.T, s *config.Sandbox) (string, *Result) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	plan := NewPlan(s, probeTestHost())
	proc, res, err := startPlan(t, plan, Stdio{Stdout: &stdout, Stderr: &stderr})
	if err != nil {
		t.Fatalf("Start(%s) = %v", s.Name, err)
	}
	if res == nil {
		res = proc.Wait()
	}
	if stderr.Len() > 0 {
		t.Logf("stderr of %s: %s", s.Name, stderr.String())
	}
	return stdout.String(), res
}

// probe runs the probe's report in s and decodes it.
func probe(t *testing.T, s *config.Sandbox) *probeReport {
	t.Helper()
	out, res := runSandbox(t, s)
	if res.ExitCode != 0 {
		t.Fatalf("probe exited %d (%s); stdout: %s", res.ExitCode, res.Describe(), out)
	}
	var r probeReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("decode probe report %q: %v", out, err)
	}
	return &r
}

func TestSandboxHostname(t *testing.T) {
	testenv.RequireRoot(t)
	hostBefore, _ := os.Hostname()
	s := sandboxFor(testenv.Rootfs(t))
	s.Hostname = "inside"
	r := probe(t, s)
	if r.Hostname != "inside" {
		t.Errorf("hostname inside = %q, want %q", r.Hostname, "inside")
	}
	if after, _ := os.Hostname(); after != hostBefore {
		t.Errorf("host hostname changed from %q to %q", hostBefore, after)
	}
}

func TestSandboxPidNamespace(t *testing.T) {
	testenv.RequireRoot(t)
	r := probe(t, sandboxFor(testenv.Rootfs(t)))
	if r.Pid != 1 {
		t.Errorf("probe pid = %d, want 1", r.Pid)
	}
	if !slices.Equal(r.Pids, []int{1}) {
		t.Errorf("pids visible inside = %v, want only [1]", r.Pids)
	}
}

func TestSandboxHostFilesUnreachable(t *testing.T) {
	testenv.RequireRoot(t)
	canary := filepath.Join(t.TempDir(), "canary")
	if err := os.WriteFile(canary, []byte("host"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := probe(t, sandboxFor(testenv.Rootfs(t), "report", canary))
	if r.CanarySeen {
		t.Errorf("host canary %s is visible inside the sandbox", canary)
	}
	if r.CwdAfterUp != "/" {
		t.Errorf("cwd after 50 chdir(\"..\") = %q, want /", r.CwdAfterUp)
	}
	for _, m := range r.Mounts {
		if strings.HasPrefix(m, "/ / ") && !strings.Contains(m, "tmpfs") && !strings.Contains(m, "overlay") {
			// The root mount's root must be the rootfs directory (or the
			// root of its overlay), not the host's /.
			t.Errorf("a mount has the host root as its root: %q", m)
		}
	}
}

func TestSandboxProcAndDev(t *testing.T) {
	testenv.RequireRoot(t)
	r := probe(t, sandboxFor(testenv.Rootfs(t)))
	want := []string{"fd", "full", "mqueue", "null", "ptmx", "pts", "random", "shm", "stderr", "stdin", "stdout", "tty", "urandom", "zero"}
	if !slices.Equal(r.Dev, want) {
		t.Errorf("/dev = %v, want %v", r.Dev, want)
	}
	wantMounts := map[string]string{"/proc": "proc", "/dev": "tmpfs", "/dev/pts": "devpts", "/dev/mqueue": "mqueue", "/tmp": "tmpfs", "/sys": "sysfs"}
	for target, fstype := range wantMounts {
		if !hasMount(r.Mounts, target, fstype) {
			t.Errorf("no %s mount on %s in %v", fstype, target, r.Mounts)
		}
	}
}

func hasMount(mounts []string, target, fstype string) bool {
	for _, m := range mounts {
		f := strings.Fields(m)
		if len(f) >= 3 && f[1] == target && f[2] == fstype {
			return true
		}
	}
	return false
}

func TestSandboxEnvAndWorkdir(t *testing.T) {
	testenv.RequireRoot(t)
	s := sandboxFor(testenv.Rootfs(t))
	s.Env = map[string]string{"GREETING": "hi there", "PATH": "/custom"}
	s.Workdir = "/tmp"
	r := probe(t, s)
	if r.Cwd != "/tmp" {
		t.Errorf("cwd = %q, want /tmp", r.Cwd)
	}
	for _, want := range []string{"GREETING=hi there", "PATH=/custom", "HOME=/root"} {
		if !slices.Contains(r.Env, want) {
			t.Errorf("env %v lacks %q", r.Env, want)
		}
	}
}

func TestSandboxNamespaces(t *testing.T) {
	testenv.RequireRoot(t)
	host := hostNamespaces(t)
	cases := []struct {
		name string
		list []string
	}{
		{"all", config.Namespaces},
		{"mount only", []string{"mount"}},
		{"mount pid net", []string{"mount", "pid", "net"}},
	}
	procName := map[string]string{"uts": "uts", "pid": "pid", "mount": "mnt", "ipc": "ipc", "net": "net", "cgroup": "cgroup"}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := sandboxFor(testenv.Rootfs(t))
			s.Namespaces = tc.list
			r := probe(t, s)
			for _, kind := range config.Namespaces {
				inside, outside := r.Namespaces[procName[kind]], host[procName[kind]]
				isolated := slices.Contains(tc.list, kind)
				if isolated && inside == outside {
					t.Errorf("%s namespace is listed but shared with the host (inode %d)", kind, inside)
				}
				if !isolated && inside != outside {
					t.Errorf("%s namespace is not listed but differs from the host's (%d vs %d)", kind, inside, outside)
				}
			}
		})
	}
}

func hostNamespaces(t *testing.T) map[string]uint64 {
	out := map[string]uint64{}
	for _, ns := range []string{"uts", "pid", "mnt", "ipc", "net", "cgroup"} {
		info, err := os.Stat("/proc/self/ns/" + ns)
		if err != nil {
			t.Fatal(err)
		}
		out[ns] = inode(info)
	}
	return out
}

func TestSandboxExitCodes(t *testing.T) {
	testenv.RequireRoot(t)
	rootfs := testenv.Rootfs(t)
	if err := os.WriteFile(filepath.Join(rootfs, "not-exec"), []byte("data"), 0o644); err != nil {
		t.Fatal(err)
	}
	noPid := []string{"uts", "mount", "ipc", "net", "cgroup"}
	cases := []struct {
		name       string
		command    []string
		namespaces []string
		want       int
	}{
		{"exit 7", []string{"/probe", "exit", "7"}, nil, 7},
		{"exit 0", []string{"/probe", "exit", "0"}, nil, 0},
		// A pid namespace's init ignores signals it has no handler for, even
		// from itself, so deaths by signal are shown without a pid namespace.
		{"SIGKILL", []string{"/probe", "kill", "9"}, noPid, 128 + 9},
		{"SIGTERM", []string{"/probe", "kill", "15"}, noPid, 128 + 15},
		{"not executable", []string{"/not-exec"}, nil, 126},
		{"not found", []string{"/no-such-command"}, nil, 127},
		{"not in PATH", []string{"no-such-command"}, nil, 127},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := sandboxFor(rootfs)
			s.Command = tc.command
			if tc.namespaces != nil {
				s.Namespaces = tc.namespaces
			}
			_, res := runSandbox(t, s)
			if res.ExitCode != tc.want {
				t.Errorf("exit code = %d (%s), want %d", res.ExitCode, res.Describe(), tc.want)
			}
		})
	}
}

func TestSandboxSetupFailureIs125(t *testing.T) {
	testenv.RequireRoot(t)
	rootfs := testenv.Rootfs(t)
	// A regular file where the sandbox's /dev must go makes a setup step fail.
	if err := os.WriteFile(filepath.Join(rootfs, "dev"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, res := runSandbox(t, sandboxFor(rootfs))
	if res.ExitCode != 125 {
		t.Fatalf("exit code = %d (%s), want 125", res.ExitCode, res.Describe())
	}
	if res.SetupError == nil || !strings.Contains(res.SetupError.Step, "/dev") {
		t.Errorf("setup error = %v, want the /dev step named", res.SetupError)
	}
}

func TestSandboxHostView(t *testing.T) {
	testenv.RequireRoot(t)
	s := &config.Sandbox{Name: "hostview", Namespaces: config.Namespaces,
		Command: []string{"/bin/sh", "-c", "cat /etc/shadow; ls /home; ls -A /root; echo x > /usr/sandbox-test; echo x > /etc/sandbox-test; echo ok > /tmp/x && cat /tmp/x"}}
	out, res := runSandbox(t, s)
	if res.ExitCode != 0 {
		t.Fatalf("exit code = %d (%s)", res.ExitCode, res.Describe())
	}
	if strings.TrimSpace(out) != "ok" {
		t.Errorf("stdout = %q, want only %q: secrets readable or system writable", out, "ok")
	}
	for _, p := range []string{"/usr/sandbox-test", "/etc/sandbox-test"} {
		if _, err := os.Stat(p); err == nil {
			os.Remove(p)
			t.Errorf("the sandbox created %s on the host", p)
		}
	}
}
