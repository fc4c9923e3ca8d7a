package launcher

import (
	"slices"
	"testing"

	"github.com/hclsandbox/sandbox/config"
)

// The host paths a plan lets its sandbox write are its writable bind
// sources and its persistent rootfs's state directory, and nothing of the
// host view, read-only binds, tmpfs or overlay mounts.
func TestWritablePaths(t *testing.T) {
	s := &config.Sandbox{Name: "w", Command: []string{"app"}, Namespaces: config.Namespaces, Rootfs: "/srv/root",
		RootfsOptions: config.RootfsOptions{Mode: config.RootfsPersistent, StateDir: "/var/lib/w"},
		Mounts: []config.Mount{
			{Type: "bind", Source: "/proj", Target: "/proj"},
			{Type: "bind", Source: "/data", Target: "/data", Readonly: true},
			{Type: "tmpfs", Target: "/scratch"},
			{Type: "overlay", Source: "/src", Target: "/src"},
		}}
	if got, want := NewPlan(s, testHost).WritablePaths(), []string{"/var/lib/w", "/proj"}; !slices.Equal(got, want) {
		t.Errorf("WritablePaths() = %q, want %q", got, want)
	}
	hostView := &config.Sandbox{Name: "h", Command: []string{"app"}, Namespaces: config.Namespaces}
	if got := NewPlan(hostView, testHost).WritablePaths(); len(got) != 0 {
		t.Errorf("WritablePaths() of the host view = %q, want none", got)
	}
}
