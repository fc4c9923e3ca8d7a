package launcher

import (
	"testing"

	"github.com/hclsandbox/sandbox/launcher/cgroups"

	"github.com/hclsandbox/sandbox/config"
)

// TestExamplesPlan loads every example and plans it for a v1 and a v2 host.
func TestExamplesPlan(t *testing.T) {
	cfg, diags := config.Load([]string{"../examples"})
	if diags.HasErrors() {
		t.Fatalf("Load(examples) = %v", diags)
	}
	for _, v := range []cgroups.CgroupHost{
		{Version: 1, Root: "/sys/fs/cgroup", Controllers: []string{"cpu", "cpuacct", "memory", "pids", "blkio", "freezer", "devices"}},
		{Version: 2, Root: "/sys/fs/cgroup", Controllers: []string{"cpu", "io", "memory", "pids"}},
	} {
		h := &Host{FS: osFS{}, Cgroups: v}
		for _, s := range cfg.Sandboxes {
			p := NewPlan(s, h)
			if p.Cgroup == nil || len(p.Cgroup.Missing) != 0 {
				t.Errorf("v%d: plan of %s: cgroup %+v, want one with nothing missing", v.Version, s.Name, p.Cgroup)
			}
			if _, err := p.JSON(); err != nil {
				t.Errorf("plan of %s: JSON() = %v", s.Name, err)
			}
		}
	}
}
