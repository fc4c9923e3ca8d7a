package launcher

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/launcher/cgroups"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/isolation"
)

func limitedSandbox() *config.Sandbox {
	return &config.Sandbox{
		Name: "web", Command: []string{"/bin/true"}, Rootfs: "/srv/root",
		Namespaces: config.Namespaces,
		Resources: config.Resources{
			Limits:      &config.Limits{CPUs: 0.5, Memory: 64 << 20, Pids: 64, Strict: true},
			Rlimits:     []config.Rlimit{{Name: "nofile", Soft: 1024, Hard: 1024}},
			OOMScoreAdj: 500,
			Timeout:     30 * time.Second,
		},
	}
}

func TestPlanLimits(t *testing.T) {
	h := &Host{Cgroups: cgroups.CgroupHost{Version: 1, Root: "/sys/fs/cgroup",
		Controllers: []string{"cpu", "cpuacct", "memory", "pids", "freezer", "devices"}}}
	p := NewPlan(limitedSandbox(), h)
	if p.Cgroup == nil || p.Cgroup.Version != 1 || len(p.Cgroup.Missing) != 0 {
		t.Fatalf("Cgroup = %+v, want v1 with nothing missing", p.Cgroup)
	}
	var got []string
	for _, w := range p.Cgroup.Writes {
		got = append(got, w.Controller+"/"+w.File+"="+w.Value)
	}
	want := "cpu/cpu.cfs_period_us=100000 cpu/cpu.cfs_quota_us=50000 memory/memory.limit_in_bytes=67108864 " +
		"memory/memory.memsw.limit_in_bytes=67108864 pids/pids.max=64"
	if strings.Join(got, " ") != want {
		t.Errorf("writes = %v, want %s", got, want)
	}
	if !p.Spec.UnshareCgroup || p.Spec.OOMScoreAdj != 500 || p.Timeout != 30*time.Second {
		t.Errorf("spec = %+v, timeout %v: want unshare_cgroup, oom_score_adj 500, timeout 30s", p.Spec, p.Timeout)
	}
	if len(p.Spec.Rlimits) != 1 || p.Spec.Rlimits[0] != (isolation.Rlimit{Name: "nofile", Soft: 1024, Hard: 1024}) {
		t.Errorf("rlimits = %+v", p.Spec.Rlimits)
	}
	b, err := p.JSON()
	if err != nil || !strings.Contains(string(b), `"file": "memory.limit_in_bytes"`) {
		t.Errorf("plan JSON lacks the cgroup writes: %v\n%s", err, b)
	}
}

func TestPlanMissingController(t *testing.T) {
	s := limitedSandbox()
	h := &Host{Cgroups: cgroups.CgroupHost{Version: 2, Root: "/sys/fs/cgroup", Controllers: []string{"cpu"}}}
	p := NewPlan(s, h)
	if got := strings.Join(p.Cgroup.Missing, ", "); got != "memory (limits.memory), pids (limits.pids)" {
		t.Errorf("Missing = %q", got)
	}
	if w := p.Warnings(); w != nil {
		t.Errorf("strict plan: Warnings() = %q, want none", w)
	}
	s.Limits.Strict = false
	if w := NewPlan(s, h).Warnings(); len(w) != 2 || !strings.Contains(w[0], "memory (limits.memory)") {
		t.Errorf("Warnings() = %q, want the memory and pids limits", w)
	}
}

func TestPlanNoCgroups(t *testing.T) {
	s := limitedSandbox()
	s.Limits = nil
	if p := NewPlan(s, &Host{}); p.Cgroup != nil {
		t.Errorf("no limits, no cgroups: Cgroup = %+v, want nil", p.Cgroup)
	}
}

func TestResultDescribe(t *testing.T) {
	for _, tc := range []struct {
		r    Result
		want string
	}{
		{Result{OOMKilled: true, MemoryLimit: 64 << 20, Signal: 9, ExitCode: 137}, "killed: out of memory (limit 64MiB)"},
		{Result{TimedOut: true, Timeout: 30 * time.Second, ExitCode: ExitTimeout}, "timed out after 30s"},
		{Result{Signal: 9, ExitCode: 137}, "killed by SIGKILL"},
	} {
		if got := tc.r.Describe(); got != tc.want {
			t.Errorf("Describe() = %q, want %q", got, tc.want)
		}
	}
	r := Result{Usage: &Usage{PeakMemory: 3355443, CPUTime: time.Second, WallTime: 2 * time.Second}}
	if got, want := r.Summary(), "exited 0 (wall 2.00s, cpu 1.00s, peak memory 3.2MiB)"; got != want {
		t.Errorf("Summary() = %q, want %q", got, want)
	}
	b, _ := json.Marshal(&Result{OOMKilled: true, Usage: &Usage{PeakMemory: 1}})
	if !strings.Contains(string(b), `"oom_killed":true`) || !strings.Contains(string(b), `"peak_memory_bytes":1`) {
		t.Errorf("Result JSON = %s", b)
	}
}
