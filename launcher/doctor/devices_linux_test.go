package doctor

import (
	"os"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/cgroups"
)

func TestDoctorDeviceAllowlist(t *testing.T) {
	for _, tc := range []struct {
		name string
		host launcher.Host
		ok   bool
		want string
	}{
		{"rootless", launcher.Host{EUID: 1000}, false, "no cgroup"},
		{"rootless delegated", launcher.Host{EUID: 1000, Cgroups: cgroups.CgroupHost{Version: 2, Delegated: true}}, false, "only root can attach"},
		{"v1 without devices", launcher.Host{Cgroups: cgroups.CgroupHost{Version: 1, Controllers: []string{"memory"}}}, false, "no cgroup v1 devices controller"},
		{"v1", launcher.Host{Cgroups: cgroups.CgroupHost{Version: 1, Controllers: []string{"memory", "devices"}}}, true, "v1 devices controller denies"},
		{"v2", launcher.Host{Cgroups: cgroups.CgroupHost{Version: 2}}, true, "v2 device program denies"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.host.Cgroups.Version == 2 && os.Geteuid() != 0 {
				t.Skip("loading a device program needs root")
			}
			c := deviceAllowlistCheck(&tc.host)
			if c.OK != tc.ok || !strings.Contains(c.Detail, tc.want) {
				t.Errorf("deviceAllowlistCheck() = %+v, want ok %v and %q", c, tc.ok, tc.want)
			}
		})
	}
}
