package launcher

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/testenv"
	"github.com/hclsandbox/sandbox/isolation"
)

// probeBinary builds the probe, whose load modes allocate, spin, fork
// and try to leave their cgroup on request.
func probeBinary(t testing.TB) string {
	return testenv.Build(t, "github.com/hclsandbox/sandbox/internal/probe")
}

// needCgroups skips unless the test runs as root on a host with every
// named controller.
func needCgroups(t testing.TB, controllers ...string) *Host {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to create namespaces and cgroups")
	}
	h := probeTestHost()
	if h.Cgroups.Version == 0 {
		t.Skip("the host has no usable cgroup hierarchy")
	}
	for _, c := range controllers {
		if !slices.Contains(h.Cgroups.Controllers, c) {
			t.Skipf("the host's cgroup v%d has no %s controller", h.Cgroups.Version, c)
		}
	}
	return h
}

// testRoot makes a root filesystem holding the probe and, with busybox,
// a static busybox as /bin/sh and /bin/sleep.
func testRoot(t testing.TB, busybox bool) string {
	root := t.TempDir()
	copyFile(t, probeBinary(t), filepath.Join(root, "probe"))
	if busybox {
		if _, err := os.Stat("/bin/busybox"); err != nil {
			testenv.Missing(t, "needs /bin/busybox (Debian's busybox-static)")
		}
		os.MkdirAll(filepath.Join(root, "bin"), 0o755)
		copyFile(t, "/bin/busybox", filepath.Join(root, "bin/busybox"))
		for _, name := range []string{"sh", "sleep", "cat", "true"} {
			os.Symlink("busybox", filepath.Join(root, "bin", name))
		}
	}
	return root
}

func copyFile(t testing.TB, from, to string) {
	b, err := os.ReadFile(from)
	if err == nil {
		err = os.WriteFile(to, b, 0o755)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// sandbox is a sandbox in root running command, with every namespace.
func sandbox(root string, command ...string) *config.Sandbox {
	return &config.Sandbox{Name: "t", Command: command, Rootfs: root, Namespaces: config.Namespaces,
		Resources: config.Resources{Limits: &config.Limits{Strict: true}}}
}

// run starts s and waits for it; it returns the result and the stdout.
func run(t *testing.T, h *Host, s *config.Sandbox) (*Result, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	proc, res, err := startPlan(t, NewPlan(s, h), Stdio{Stdout: &stdout, Stderr: &stderr})
	if err != nil {
		t.Fatalf("Start() = %v", err)
	}
	if res == nil {
		res = proc.Wait()
	}
	if stderr.Len() > 0 {
		t.Logf("sandbox stderr: %s", stderr.String())
	}
	return res, stdout.String()
}

func decode(t *testing.T, out string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("probe output %q: %v", out, err)
	}
}

func TestForkBombCapped(t *testing.T) {
	h := needCgroups(t, "pids")
	s := sandbox(testRoot(t, true), "/bin/sh", "-c",
		"( while :; do sleep 100 & done ) 2>/dev/null; set -- /proc/[0-9]*; echo $#")
	s.Limits.Pids = 64
	done := make(chan struct{})
	var slowest time.Duration
	go func() { // the host keeps forking while the bomb runs
		defer close(done)
		for i := 0; i < 20; i++ {
			start := time.Now()
			exec.Command("/bin/true").Run()
			slowest = max(slowest, time.Since(start))
		}
	}()
	res, out := run(t, h, s)
	<-done
	n, err := strconv.Atoi(strings.TrimSpace(out))
	t.Logf("processes inside: %d; slowest host fork+exec: %v", n, slowest)
	if err != nil || n > 64 || n < 16 {
		t.Errorf("processes inside = %q, want 16..64 (result: %s)", out, res.Describe())
	}
	if slowest > 2*time.Second {
		t.Errorf("host fork+exec took %v during the fork bomb", slowest)
	}
}

func TestOOMReported(t *testing.T) {
	h := needCgroups(t, "memory")
	s := sandbox(testRoot(t, false), "/probe", "alloc", "256")
	s.Limits.Memory = 64 << 20
	res, out := run(t, h, s)
	if !res.OOMKilled || res.ExitCode != 137 {
		t.Fatalf("result = %+v (stdout %q), want OOM-killed with 137", res, out)
	}
	if got, want := res.Describe(), "killed: out of memory (limit 64MiB)"; got != want {
		t.Errorf("Describe() = %q, want %q", got, want)
	}
	if res.Usage == nil || res.Usage.PeakMemory < 32<<20 || res.Usage.PeakMemory > 65<<20 {
		t.Errorf("usage = %+v, want a peak near 64MiB", res.Usage)
	}
}

func TestSelfKillIsNotOOM(t *testing.T) {
	h := needCgroups(t, "memory")
	s := sandbox(testRoot(t, false), "/probe", "selfkill")
	s.Namespaces = []string{"uts", "mount", "ipc", "net", "cgroup"} // PID 1 could not SIGKILL itself
	s.Limits.Memory = 64 << 20
	res, _ := run(t, h, s)
	if res.OOMKilled || res.Signal != syscall.SIGKILL || res.Describe() != "killed by SIGKILL" {
		t.Errorf("result = %+v (%s), want killed by SIGKILL and no OOM", res, res.Describe())
	}
}

func TestCPUHalfCore(t *testing.T) {
	h := needCgroups(t, "cpu")
	s := sandbox(testRoot(t, false), "/probe", "spin", "2s")
	s.Limits.CPUs = 0.5
	res, out := run(t, h, s)
	var got struct{ CPU, Wall float64 }
	var raw map[string]float64
	decode(t, out, &raw)
	got.CPU, got.Wall = raw["cpu_s"], raw["wall_s"]
	t.Logf("cpu %.2fs over %.2fs", got.CPU, got.Wall)
	if share := got.CPU / got.Wall; share < 0.4 || share > 0.6 {
		t.Errorf("cpu share = %.2f (%.2fs over %.2fs), want 0.4..0.6", share, got.CPU, got.Wall)
	}
	if res.Usage == nil || res.Usage.CPUTime < 800*time.Millisecond {
		t.Errorf("usage = %+v, want about 1s of CPU time", res.Usage)
	}
}

func TestRlimitsAndOOMScoreInside(t *testing.T) {
	h := needCgroups(t)
	s := sandbox(testRoot(t, true), limitsScript...)
	s.OOMScoreAdj = 300
	s.Rlimits = []config.Rlimit{
		{Name: "core", Soft: 0, Hard: 0},
		{Name: "nofile", Soft: 256, Hard: 512},
		{Name: "stack", Soft: 4 << 20, Hard: 8 << 20},
	}
	_, out := run(t, h, s)
	got := limitsOutput(out)
	if got["oom_score_adj"] != "300" {
		t.Errorf("oom_score_adj inside = %q, want 300", got["oom_score_adj"])
	}
	for _, want := range [][]string{
		{"Max core file size", "0", "0"},
		{"Max open files", "256", "512"},
		{"Max stack size", "4194304", "8388608"},
	} {
		if !hasLimit(got["limits"], want[0], want[1], want[2]) {
			t.Errorf("/proc/self/limits lacks %q %s %s:\n%s", want[0], want[1], want[2], got["limits"])
		}
	}
}

// limitsScript prints /proc/self/limits and oom_score_adj from busybox: a
// Go program such as the probe raises its own soft nofile limit.
var limitsScript = []string{"/bin/sh", "-c", "cat /proc/self/limits; echo ---; cat /proc/self/oom_score_adj"}

func limitsOutput(out string) map[string]string {
	limits, adj, _ := strings.Cut(out, "---\n")
	return map[string]string{"limits": limits, "oom_score_adj": strings.TrimSpace(adj)}
}

func hasLimit(limits, name, soft, hard string) bool {
	for _, line := range strings.Split(limits, "\n") {
		if rest, ok := strings.CutPrefix(line, name); ok {
			f := strings.Fields(rest)
			return len(f) >= 2 && f[0] == soft && f[1] == hard
		}
	}
	return false
}

func TestOOMScoreDefaultsToZero(t *testing.T) {
	h := needCgroups(t)
	if err := os.WriteFile("/proc/self/oom_score_adj", []byte("100"), 0); err != nil {
		t.Skipf("cannot set the test's own oom_score_adj: %v", err)
	}
	defer os.WriteFile("/proc/self/oom_score_adj", []byte("0"), 0)
	_, out := run(t, h, sandbox(testRoot(t, true), limitsScript...))
	got := limitsOutput(out)
	if got["oom_score_adj"] != "0" {
		t.Errorf("oom_score_adj inside = %q, want 0, not the launcher's 100", got["oom_score_adj"])
	}
}

func TestRaisingHardRlimitFails(t *testing.T) {
	h := needCgroups(t)
	var cur syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &cur); cur.Max == isolation.RlimInfinity {
		t.Skip("the nofile hard limit is unlimited")
	}
	if canRaiseRlimit() {
		t.Skip("the launcher has CAP_SYS_RESOURCE and may raise hard limits")
	}
	s := sandbox(testRoot(t, false), "/probe", "limits")
	s.Rlimits = []config.Rlimit{{Name: "nofile", Soft: cur.Max + 1, Hard: cur.Max + 1}}
	res, _ := run(t, h, s)
	if res.SetupError == nil || res.ExitCode != 125 || !strings.Contains(res.SetupError.Error(), "set rlimit nofile") ||
		!strings.Contains(res.SetupError.Error(), "CAP_SYS_RESOURCE") {
		t.Errorf("result = %+v, want exit 125 naming the rlimit step and CAP_SYS_RESOURCE", res)
	}
}

// canRaiseRlimit reports whether this process has CAP_SYS_RESOURCE.
func canRaiseRlimit() bool {
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "CapEff:"); ok {
			caps, _ := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			return caps&(1<<24) != 0
		}
	}
	return false
}
