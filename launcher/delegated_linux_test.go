package launcher

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/hclsandbox/sandbox/internal/testenv"
	"github.com/hclsandbox/sandbox/launcher/cgroups"
	"golang.org/x/sys/unix"
)

// A user without root, given a cgroup v2 subtree (made by root and
// chowned to the user, as an administrator delegates one), runs sandboxes
// whose limits hold: an allocation past memory is reported as OOM, a fork
// bomb stops at pids, and no cgroup of theirs is left afterwards.
func TestRootlessDelegatedLimits(t *testing.T) {
	testenv.RequireRoot(t)
	host := cgroups.ProbeCgroups("/sys/fs/cgroup")
	if host.Version != 2 || host.Root != "/sys/fs/cgroup" {
		t.Skipf("needs a cgroup v2 host (this one: %+v); make test-vm runs it", host)
	}
	for _, c := range []string{"memory", "pids"} {
		if !strings.Contains(readString(t, "/sys/fs/cgroup/cgroup.subtree_control"), c) {
			t.Skipf("the %s controller is not enabled at the root of the cgroup v2 tree", c)
		}
	}
	u := throwawayUser(t)
	bin := testenv.Build(t, "github.com/hclsandbox/sandbox/cmd/sandbox")
	rootfs := testenv.Rootfs(t)
	testenv.RequireBusybox(t, rootfs)
	dir := delegatedSubtree(t, u)
	run := userDir(t, u)

	report, stderr := upAs(t, bin, u, dir, run, rootfs, `command = ["/probe", "alloc", "256"]`)
	if report.Result != "oom" || report.ExitCode != 137 || report.PeakMemory == 0 {
		t.Errorf("allocation past memory = %+v, want result oom, exit 137 and a peak\nstderr: %s", report, stderr)
	}
	t.Logf("allocation past memory = 64MiB: %s, exit %d, peak %d bytes", report.Result, report.ExitCode, report.PeakMemory)
	report, stderr = upAs(t, bin, u, dir, run, rootfs,
		`command = ["/bin/sh", "-c", "( while :; do sleep 100 & done ) 2>/dev/null; set -- /proc/[0-9]*; echo procs=$#"]`)
	m := regexp.MustCompile(`procs=([0-9]+)`).FindStringSubmatch(stderr)
	if m == nil {
		m = []string{"", "none"}
	}
	n, err := strconv.Atoi(m[1])
	t.Logf("fork bomb under pids = 32: %d processes inside", n)
	if err != nil || n > 32 || n < 8 || report.ExitCode != 0 {
		t.Errorf("fork bomb under pids = 32: %d processes inside (%v), exit %d; want 8..32\nstderr: %s", n, err, report.ExitCode, stderr)
	}
	if strings.Contains(stderr, "no cgroup") {
		t.Errorf("stderr = %q, want no word of a missing cgroup", stderr)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.IsDir() && e.Name() != cgroups.EvacuatedLeaf {
			t.Errorf("cgroup %s left in the delegated subtree", filepath.Join(dir, e.Name()))
		}
	}
}

// sandboxReport is what the tests read of `sandbox up --json`.
type sandboxReport struct {
	Result     string `json:"result"`
	ExitCode   int    `json:"exit_code"`
	PeakMemory uint64 `json:"peak_memory_bytes"`
}

// upAs runs `sandbox up --json` as u, started in the subtree dir, on a
// sandbox with memory and pids limits and the given command.
func upAs(t *testing.T, bin string, u testUser, dir, run, rootfs, command string) (sandboxReport, string) {
	t.Helper()
	cfg := filepath.Join(run, "limits.hcl")
	body := fmt.Sprintf("sandbox \"rootless\" {\n  rootfs = %q\n  %s\n  limits {\n    memory = \"64MiB\"\n    pids   = 32\n  }\n}\n", rootfs, command)
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	// Once a launcher has enabled controllers in the subtree, its
	// processes live in init/, where the user's next command starts.
	start := dir
	if _, err := os.Stat(filepath.Join(dir, cgroups.EvacuatedLeaf)); err == nil {
		start = filepath.Join(dir, cgroups.EvacuatedLeaf)
	}
	fd, err := unix.Open(start, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	var out, errOut bytes.Buffer
	cmd := exec.Command(bin, "up", "--json", cfg)
	cmd.Dir = "/"
	cmd.Stdout, cmd.Stderr = &out, &errOut
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=/", "SANDBOX_RUN=" + run}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: u.uid, Gid: u.gid},
		UseCgroupFD: true, CgroupFD: fd}
	var exit *exec.ExitError
	if err := cmd.Run(); err != nil && !errors.As(err, &exit) {
		t.Fatalf("sandbox up as uid %d: %v", u.uid, err)
	}
	var rep struct{ Sandboxes []sandboxReport }
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || len(rep.Sandboxes) != 1 {
		t.Fatalf("sandbox up --json as uid %d: %v\nstdout: %s\nstderr: %s", u.uid, err, &out, &errOut)
	}
	return rep.Sandboxes[0], errOut.String()
}

// delegatedSubtree makes a cgroup under the root of the v2 tree and
// delegates it to u as an administrator would: the directory, cgroup.procs,
// cgroup.subtree_control and cgroup.threads chowned to u. It is removed,
// with the init/ leaf the launcher makes in it, when the test ends.
func delegatedSubtree(t *testing.T, u testUser) string {
	t.Helper()
	dir := filepath.Join("/sys/fs/cgroup", fmt.Sprintf("sandbox-delegated-test-%d", os.Getpid()))
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, d := range []string{filepath.Join(dir, cgroups.EvacuatedLeaf), dir} {
			if err := unix.Rmdir(d); err != nil && !errors.Is(err, os.ErrNotExist) {
				t.Errorf("remove cgroup %s: %v", d, err)
			}
		}
	})
	for _, f := range []string{"", "cgroup.procs", "cgroup.subtree_control", "cgroup.threads"} {
		if err := os.Chown(filepath.Join(dir, f), int(u.uid), int(u.gid)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// userDir is a temporary directory owned by u.
func userDir(t *testing.T, u testUser) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "user")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Dir(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dir, int(u.uid), int(u.gid)); err != nil {
		t.Fatal(err)
	}
	return dir
}

// throwawayUser is a user made for the test: by useradd where there is
// one, else (the test VM, which has busybox alone) by a line added to
// /etc/passwd and /etc/group, taken out again when the test ends.
func throwawayUser(t *testing.T) testUser {
	t.Helper()
	if _, err := exec.LookPath("useradd"); err == nil {
		return unprivilegedUser(t)
	}
	if os.Getenv("SANDBOX_TEST_VM") == "" {
		t.Skip("no useradd to make a test user with")
	}
	u := testUser{uid: 40123, gid: 40123}
	for file, line := range map[string]string{
		"/etc/passwd": "sandbox-delegated:x:40123:40123::/:/bin/false\n",
		"/etc/group":  "sandbox-delegated:x:40123:\n",
	} {
		old, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, append(old, line...), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.WriteFile(file, old, 0o644) })
	}
	return u
}

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
