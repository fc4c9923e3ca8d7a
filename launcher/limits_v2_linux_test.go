package launcher

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/internal/testenv"
)

// The tests of this file check what only a cgroup v2 host shows; the
// development machines mount v1, so they run in the VM of `make test-vm`.

// needCgroupV2 skips unless the host's cgroups are v2 with every named
// controller.
func needCgroupV2(t *testing.T, controllers ...string) *Host {
	t.Helper()
	h := needCgroups(t, controllers...)
	if h.Cgroups.Version != 2 {
		t.Skipf("the host's cgroups are v%d; these checks read the v2 tree", h.Cgroups.Version)
	}
	return h
}

// ownCgroup reads the single "0::<path>" line of /proc/<pid>/cgroup.
func ownCgroup(t *testing.T, pid int) string {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	path, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "0::")
	if !ok || strings.Contains(path, "\n") {
		t.Fatalf("/proc/%d/cgroup = %q, want one 0::<path> line", pid, b)
	}
	return path
}

// TestCgroupV2FilesOnHost checks the limit files of a running sandbox's
// leaf, that its first process was born in the leaf (on v2 the launcher
// never moves it: CLONE_INTO_CGROUP put it there), that the parent enables
// the controllers, and that the leaf is gone after the sandbox.
func TestCgroupV2FilesOnHost(t *testing.T) {
	h := needCgroupV2(t, "memory", "pids", "cpu")
	s := sandbox(testRoot(t, true), "/bin/sleep", "30")
	s.Limits.Memory, s.Limits.Pids, s.Limits.CPUs, s.Limits.CPUWeight = 32<<20, 100, 0.25, 50
	var stderr bytes.Buffer
	proc, res, err := startPlan(t, NewPlan(s, h), Stdio{Stderr: &stderr})
	if err != nil || res != nil {
		t.Fatalf("Start() = %v, %v (%s)", res, err, stderr.String())
	}
	leaf := ownCgroup(t, proc.Pid())
	if !strings.HasPrefix(leaf, "/sandbox/t-") || "/"+proc.cgroup.Path() != leaf {
		t.Errorf("the sandbox is in cgroup %q, want its leaf /%s", leaf, proc.cgroup.Path())
	}
	dir := filepath.Join(h.Cgroups.Root, leaf)
	for file, want := range map[string]string{
		"memory.max": "33554432", "pids.max": "100", "cpu.max": "25000 100000", "cpu.weight": "50",
	} {
		got, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil || strings.TrimSpace(string(got)) != want {
			t.Errorf("%s = %q, %v; want %s", file, got, err, want)
		}
	}
	on, _ := os.ReadFile(filepath.Join(filepath.Dir(dir), "cgroup.subtree_control"))
	for _, c := range []string{"cpu", "memory", "pids"} {
		if !strings.Contains(" "+strings.TrimSpace(string(on))+" ", " "+c+" ") {
			t.Errorf("%s/cgroup.subtree_control = %q, lacks %s", filepath.Dir(dir), on, c)
		}
	}
	proc.Signal(syscall.SIGKILL)
	res = proc.Wait()
	if res.Signal != syscall.SIGKILL {
		t.Errorf("result = %+v, want killed by SIGKILL", res)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the leaf %s is still there after the sandbox: %v", dir, err)
	}
}

// TestCgroupV2KillReapsDaemons runs a sandbox without a pid namespace whose
// first process leaves two background processes behind when it exits: the
// launcher's cgroup.kill must take them, and the leaf must go.
func TestCgroupV2KillReapsDaemons(t *testing.T) {
	h := needCgroupV2(t, "pids")
	s := sandbox(testRoot(t, true), "/bin/sh", "-c",
		"for i in 1 2; do sleep 100 </dev/null >/dev/null 2>&1 & echo $!; done")
	s.Namespaces = []string{"uts", "mount", "ipc", "net", "cgroup"}
	s.Limits.Pids = 16
	var stdout, stderr bytes.Buffer
	proc, res, err := startPlan(t, NewPlan(s, h), Stdio{Stdout: &stdout, Stderr: &stderr})
	if err != nil || res != nil {
		t.Fatalf("Start() = %v, %v (%s)", res, err, stderr.String())
	}
	dir := filepath.Join(h.Cgroups.Root, proc.cgroup.Path())
	res = proc.Wait()
	if res.ExitCode != 0 {
		t.Errorf("result = %+v (%s), want exit 0", res, stderr.String())
	}
	pids := strings.Fields(stdout.String())
	if len(pids) != 2 {
		t.Fatalf("stdout = %q, want the two background pids", stdout.String())
	}
	for _, p := range pids {
		pid, _ := strconv.Atoi(p)
		for deadline := time.Now().Add(2 * time.Second); testenv.Alive(pid); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				syscall.Kill(pid, syscall.SIGKILL)
				t.Fatalf("background process %d outlived its sandbox", pid)
			}
		}
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the leaf %s is still there after the sandbox: %v", dir, err)
	}
}

// TestCgroupV2NamespaceView checks what /proc/self/cgroup says inside: the
// root of its own cgroup namespace, and the host path of the leaf without one.
func TestCgroupV2NamespaceView(t *testing.T) {
	h := needCgroupV2(t)
	root := testRoot(t, true)
	res, out := run(t, h, sandbox(root, "/bin/cat", "/proc/self/cgroup"))
	if res.ExitCode != 0 || out != "0::/\n" {
		t.Errorf("with a cgroup namespace: %q (%s), want %q", out, res.Describe(), "0::/\n")
	}
	s := sandbox(root, "/bin/cat", "/proc/self/cgroup")
	s.Namespaces = []string{"uts", "mount", "pid", "ipc", "net"}
	res, out = run(t, h, s)
	if res.ExitCode != 0 || !strings.HasPrefix(out, "0::/sandbox/t-") || strings.Count(out, "\n") != 1 {
		t.Errorf("without a cgroup namespace: %q (%s), want 0::/sandbox/t-<id>", out, res.Describe())
	}
}
