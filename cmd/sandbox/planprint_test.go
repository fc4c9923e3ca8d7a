package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/launcher/cgroups"
	"github.com/hclsandbox/sandbox/launcher/report"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
)

// TestPlanPrintsDeviceAllowlist checks that `sandbox plan` shows the
// device allowlist, how each cgroup version enforces it, and a warning
// where the host cannot.
func TestPlanPrintsDeviceAllowlist(t *testing.T) {
	v1 := []string{"cpu", "cpuacct", "memory", "pids", "blkio", "freezer"}
	for _, tc := range []struct {
		name  string
		host  cgroups.CgroupHost
		want  []string
		avoid string
	}{
		{"v1", cgroups.CgroupHost{Version: 1, Root: "/sys/fs/cgroup", Controllers: append(v1, "devices")},
			[]string{"   2. allow only these devices, deny every other (write devices/devices.deny = a, then devices/devices.allow = each rule):\n" +
				"        c 1:3 rwm    /dev/null\n        c 1:5 rwm    /dev/zero\n        c 1:7 rwm    /dev/full\n" +
				"        c 1:8 rwm    /dev/random\n        c 1:9 rwm    /dev/urandom\n        c 5:0 rwm    /dev/tty\n" +
				"        c 5:2 rwm    /dev/ptmx\n        c 136:* rwm  /dev/pts/*\n   3. create namespaces"}, "warning"},
		{"v2", cgroups.CgroupHost{Version: 2, Root: "/sys/fs/cgroup"},
			[]string{"   2. allow only these devices, deny every other (attach a BPF device program to the cgroup, before the child is cloned into it):\n" +
				"        c 1:3 rwm    /dev/null\n"}, "warning"},
		{"v1 without devices", cgroups.CgroupHost{Version: 1, Root: "/sys/fs/cgroup", Controllers: v1},
			[]string{"  warning: cgroup controller devices (device allowlist) is missing on this host"}, "allow only these devices"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := fakeHost()
			h.Cgroups = tc.host
			s := &config.Sandbox{Name: "web", Command: []string{"/bin/true"}, Namespaces: config.Namespaces,
				Resources: config.Resources{Limits: &config.Limits{Strict: false}}}
			var b bytes.Buffer
			report.WritePlan(&b, launcher.NewPlan(s, h), s)
			for _, w := range tc.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("plan lacks %q:\n%s", w, b.String())
				}
			}
			if strings.Contains(b.String(), tc.avoid) {
				t.Errorf("plan has %q:\n%s", tc.avoid, b.String())
			}
		})
	}
}

// A sandbox without limits gets a cgroup with nothing to write: the plan
// says so instead of a heading that nothing follows.
func TestPlanNoEmptyCgroupHeading(t *testing.T) {
	h := fakeHost()
	h.Cgroups = cgroups.CgroupHost{Version: 1, Root: "/sys/fs/cgroup", Controllers: []string{"cpu", "memory", "pids", "devices"}}
	s := &config.Sandbox{Name: "web", Command: []string{"/bin/true"}, Namespaces: config.Namespaces}
	var b bytes.Buffer
	report.WritePlan(&b, launcher.NewPlan(s, h), s)
	if !strings.Contains(b.String(), "(v1); no limit to write\n") || strings.Contains(b.String(), "and write, in order:") {
		t.Errorf("plan:\n%s\nwant the cgroup step to say it writes no limit", b.String())
	}
}
