package launcher

import (
	"testing"

	"github.com/hclsandbox/sandbox/config"
)

// The host view's home is a tmpfs at /root that its user can write: its
// own for a numeric user, sticky and open for a named one.
func TestHostHome(t *testing.T) {
	for user, want := range map[string]string{
		"":           "mode=0700,size=1048576k",
		"1000":       "mode=0700,uid=1000,gid=1000,size=1048576k",
		"1000:100":   "mode=0700,uid=1000,gid=100,size=1048576k",
		"nobody":     "mode=1777,size=1048576k",
		"1000:wheel": "mode=1777,size=1048576k",
	} {
		s := &config.Sandbox{Name: "h", Command: []string{"/bin/true"}}
		s.Security.User = user
		p := NewPlan(s, fakeTestHost())
		found := false
		for _, m := range p.Spec.Mounts {
			if m.Target == "/root" {
				found = true
				if m.FSType != "tmpfs" || m.Data != want {
					t.Errorf("user %q: /root = %s %q, want tmpfs %q", user, m.FSType, m.Data, want)
				}
			}
		}
		if !found {
			t.Errorf("user %q: no mount on /root in the host view", user)
		}
	}
}
