package launcher

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/internal/testenv"
	"github.com/hclsandbox/sandbox/launcher/cgroups"

	"github.com/hclsandbox/sandbox/config"
)

func TestCannotLeaveCgroup(t *testing.T) {
	h := needCgroups(t, "memory", "pids")
	s := sandbox(testRoot(t, false), "/probe", "escape")
	s.Limits.Pids = 64
	_, out := run(t, h, s)
	var got struct {
		Tries  []string
		Cgroup string
	}
	decode(t, out, &got)
	t.Logf("escape attempts: %q", got.Tries)
	for _, line := range strings.Split(strings.TrimSpace(got.Cgroup), "\n") {
		f := strings.SplitN(line, ":", 3)
		if len(f) == 3 && f[2] != "/" && !strings.HasPrefix(f[1], "name=") {
			t.Errorf("after trying to escape (%q) the sandbox is at %q, want / in every hierarchy", got.Tries, line)
		}
	}
}

func TestTimeoutKillsDaemons(t *testing.T) {
	h := needCgroups(t)
	root := testRoot(t, false)
	s := sandbox(root, "/probe", "daemon")
	s.Namespaces = []string{"uts", "mount", "ipc", "net", "cgroup"} // no pid namespace to take the daemon with it
	s.Timeout = time.Second
	// Persistent, so that the daemon's pidfile reaches the host.
	sd := t.TempDir()
	s.RootfsOptions = config.RootfsOptions{Mode: config.RootfsPersistent, StateDir: sd}
	res, _ := run(t, h, s)
	if !res.TimedOut || res.ExitCode != ExitTimeout || res.Describe() != "timed out after 1s" {
		t.Errorf("result = %+v (%s), want timed out after 1s with exit code %d", res, res.Describe(), ExitTimeout)
	}
	b, err := os.ReadFile(filepath.Join(sd, "upper", "pidfile"))
	if err != nil {
		t.Fatalf("the daemon never started: %v", err)
	}
	pid, _ := strconv.Atoi(string(b))
	for deadline := time.Now().Add(2 * time.Second); testenv.Alive(pid); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("daemon %d survived the timeout", pid)
		}
	}
}

func TestMissingControllerFailsStart(t *testing.T) {
	s := sandbox("/nonexistent", "/probe")
	s.Limits.Memory = 64 << 20
	h := &Host{Cgroups: cgroups.CgroupHost{Version: 1, Root: t.TempDir(), Controllers: []string{"cpu"}}}
	proc, res, err := startPlan(t, NewPlan(s, h), Stdio{})
	if proc != nil || res != nil || err == nil || !strings.Contains(err.Error(), "memory (limits.memory)") {
		t.Errorf("Start() = %v, %v, %v; want an error naming memory (limits.memory)", proc, res, err)
	}
}

func TestCgroupFilesOnHost(t *testing.T) {
	h := needCgroups(t, "memory", "pids", "cpu")
	if h.Cgroups.Version != 1 {
		t.Skip("reads v1 file names")
	}
	s := sandbox(testRoot(t, true), "/bin/sleep", "5")
	s.Limits.Memory, s.Limits.Pids, s.Limits.CPUs, s.Limits.CPUWeight = 32<<20, 100, 0.25, 50
	var stderr bytes.Buffer
	proc, res, err := startPlan(t, NewPlan(s, h), Stdio{Stderr: &stderr})
	if err != nil || res != nil {
		t.Fatalf("Start() = %v, %v (%s)", res, err, stderr.String())
	}
	defer func() { proc.Signal(syscall.SIGKILL); proc.Wait() }()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(proc.Pid()) + "/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	paths := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.SplitN(line, ":", 3); len(f) == 3 {
			paths[f[1]] = f[2]
		}
	}
	for file, want := range map[string]string{
		"memory/memory.limit_in_bytes": "33554432", "pids/pids.max": "100",
		"cpu/cpu.cfs_quota_us": "25000", "cpu/cpu.shares": "512",
	} {
		ctrl := strings.Split(file, "/")[0]
		if !strings.HasPrefix(paths[ctrl], "/sandbox/t-") {
			t.Errorf("the sandbox is in %s cgroup %q, want /sandbox/t-*", ctrl, paths[ctrl])
			continue
		}
		got, err := os.ReadFile(filepath.Join("/sys/fs/cgroup", ctrl, paths[ctrl], filepath.Base(file)))
		if err != nil || strings.TrimSpace(string(got)) != want {
			t.Errorf("%s = %q, %v; want %s", file, got, err, want)
		}
	}
}

// TestEveryThreadInTheLeaf checks, with and without the init, that every
// thread of every process of a sandbox lands in its leaf in every
// hierarchy: on v1 the child moves only its own thread there (without an
// init) and the launcher moves the whole child (with one).
func TestEveryThreadInTheLeaf(t *testing.T) {
	h := needCgroups(t, "memory", "pids")
	root := testRoot(t, true)
	for _, init := range []bool{false, true} {
		t.Run(fmt.Sprintf("init=%v", init), func(t *testing.T) {
			s := sandbox(root, "/bin/sh", "-c", "sleep 5 & sleep 5 & wait")
			s.Init = &init
			want := 3 // sh and two sleeps, and the init when it runs
			if init {
				want++
			}
			var stderr bytes.Buffer
			proc, res, err := startPlan(t, NewPlan(s, h), Stdio{Stderr: &stderr})
			if err != nil || res != nil {
				t.Fatalf("Start() = %v, %v (%s)", res, err, stderr.String())
			}
			defer func() { proc.Signal(syscall.SIGKILL); proc.Wait() }()
			leaf := cgroupOf(t, proc.Pid())
			var procs []string
			for deadline := time.Now().Add(5 * time.Second); len(procs) < want && time.Now().Before(deadline); {
				time.Sleep(10 * time.Millisecond)
				procs = procsIn(t, h, leaf)
			}
			if len(procs) != want {
				t.Fatalf("the leaf %s holds processes %v, want %d", leaf, procs, want)
			}
			for _, pid := range procs {
				tasks, _ := filepath.Glob("/proc/" + pid + "/task/*")
				for _, task := range tasks {
					if got := cgroupOf(t, filepath.Base(task)); !maps.Equal(got, leaf) {
						t.Errorf("thread %s of process %s is in %v, want %v", filepath.Base(task), pid, got, leaf)
					}
				}
			}
		})
	}
}

// cgroupOf reads the v1 hierarchies' cgroups of a task (pid or tid) from
// the host, name=* hierarchies left out.
func cgroupOf(t *testing.T, pid any) map[string]string {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%v/cgroup", pid))
	if err != nil {
		t.Fatal(err)
	}
	paths := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.SplitN(line, ":", 3); len(f) == 3 && !strings.HasPrefix(f[1], "name=") {
			paths[f[1]] = f[2]
		}
	}
	return paths
}

// procsIn lists the processes of the sandbox's leaf, found through the
// pids hierarchy (v1) or the unified one (v2).
func procsIn(t *testing.T, h *Host, leaf map[string]string) []string {
	dir := filepath.Join(h.Cgroups.Root, "pids", leaf["pids"])
	if h.Cgroups.Version == 2 {
		dir = filepath.Join(h.Cgroups.Root, leaf[""])
	}
	b, err := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(string(b))
}

// noEnter is a cgroup whose Enter fails, as where the launcher's own
// cgroup cannot be found to come back to.
type noEnter struct{ cgroups.Cgroup }

func (noEnter) Enter() (func() error, error) { return nil, errors.New("no way back") }

// TestPlacedWhenEnterFails checks the fallback: a child started outside
// its cgroup is moved into it, every thread, before it runs the target.
func TestPlacedWhenEnterFails(t *testing.T) {
	h := needCgroups(t, "memory", "pids")
	if h.Cgroups.Version != 1 {
		t.Skip("the fallback is v1's")
	}
	s := sandbox(testRoot(t, true), "/bin/sleep", "5")
	s.Limits.Pids = 64
	p := NewPlan(s, h)
	cg, _, _, err := createCgroup(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	proc, res, err := start(context.Background(), p, Stdio{}, noEnter{cg}, nil, nil)
	if err != nil || res != nil {
		removeCgroup(cg)
		t.Fatalf("start() = %v, %v", res, err)
	}
	defer func() { proc.Signal(syscall.SIGKILL); proc.Wait() }()
	leaf := cgroupOf(t, proc.Pid())
	if !strings.HasPrefix(leaf["pids"], "/"+cg.Path()) {
		t.Fatalf("the sandbox is in %v, want %s", leaf, cg.Path())
	}
	tasks, _ := filepath.Glob("/proc/" + strconv.Itoa(proc.Pid()) + "/task/*")
	for _, task := range tasks {
		if got := cgroupOf(t, filepath.Base(task)); !maps.Equal(got, leaf) {
			t.Errorf("thread %s is in %v, want %v", filepath.Base(task), got, leaf)
		}
	}
}
