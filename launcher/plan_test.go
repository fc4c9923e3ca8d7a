package launcher

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/testenv"
	"github.com/hclsandbox/sandbox/isolation"
)

var testHost = &Host{EUID: 0, Term: "xterm", FS: testenv.MergedUsr()}

func TestNewPlanHostView(t *testing.T) {
	s := &config.Sandbox{Name: "web_1", Command: []string{"app"}, Namespaces: config.Namespaces}
	p := NewPlan(s, testHost)
	if p.Spec.Root.Source != "" || !p.Spec.Root.Readonly {
		t.Errorf("root = %+v, want a read-only tmpfs root", p.Spec.Root)
	}
	var got []string
	for _, m := range p.Spec.Mounts {
		got = append(got, m.Kind+" "+m.Source+" "+m.Target)
	}
	for _, want := range []string{
		"bind /usr /usr", "symlink usr/bin /bin", "symlink usr/lib /lib", "bind /etc/passwd /etc/passwd",
		"fs  /proc", "fs  /dev", "bind /dev/null /dev/null", "symlink pts/ptmx /dev/ptmx", "fs  /tmp", "fs  /sys",
	} {
		if !slices.Contains(got, want) {
			t.Errorf("mounts lack %q; got %v", want, got)
		}
	}
	for _, secret := range []string{"/root", "/home", "/etc/shadow", "/lib64"} {
		for _, m := range got {
			if strings.HasSuffix(m, " "+secret) && m != "fs  /root" { // the home: a tmpfs of its own
				t.Errorf("host view mounts %s: %q", secret, m)
			}
		}
	}
	if p.Spec.Hostname != "web-1" {
		t.Errorf("hostname = %q, want web-1 (made from the name)", p.Spec.Hostname)
	}
}

func TestNewPlanRootfsAndEnv(t *testing.T) {
	s := &config.Sandbox{Name: "box", Command: []string{"/bin/sh"}, Rootfs: "/srv/rootfs",
		Env: map[string]string{"PATH": "/opt/bin", "A": "1"}, Workdir: "/app",
		Namespaces: []string{"mount", "pid"}}
	p := NewPlan(s, testHost)
	want := isolation.Root{Source: "/srv/rootfs", Overlay: true, Beneath: "/", Flags: []string{"nosuid", "nodev"}}
	if !reflect.DeepEqual(p.Spec.Root, want) {
		t.Errorf("root = %+v, want an ephemeral overlay of /srv/rootfs, nosuid and nodev, no symlink followed: %+v", p.Spec.Root, want)
	}
	if p.Spec.Mounts[0].Target != "/proc" {
		t.Errorf("first mount = %+v, want /proc (no host view with a rootfs)", p.Spec.Mounts[0])
	}
	if want := []string{"A=1", "HOME=/root", "PATH=/opt/bin", "TERM=xterm"}; !slices.Equal(p.Spec.Env, want) {
		t.Errorf("env = %v, want %v", p.Spec.Env, want)
	}
	if p.Spec.Hostname != "" {
		t.Errorf("hostname = %q without a UTS namespace, want none", p.Spec.Hostname)
	}
	if p.Spec.Cwd != "/app" || !slices.Equal(p.Namespaces, []string{"pid", "mount"}) {
		t.Errorf("cwd %q namespaces %v, want /app [pid mount]", p.Spec.Cwd, p.Namespaces)
	}
	last := p.Spec.Mounts[len(p.Spec.Mounts)-1]
	if last.Kind != isolation.KindBind || last.Target != "/sys" || !last.HasFlag("ro") {
		t.Errorf("/sys without a net namespace = %+v, want a read-only bind", last)
	}
}

func TestPlanWithArgs(t *testing.T) {
	p := NewPlan(&config.Sandbox{Name: "a", Command: []string{"x"}, Namespaces: config.Namespaces}, testHost)
	q := p.WithArgs([]string{"y", "z"})
	if !slices.Equal(q.Spec.Args, []string{"y", "z"}) || !slices.Equal(p.Spec.Args, []string{"x"}) {
		t.Errorf("WithArgs: got %v, original now %v", q.Spec.Args, p.Spec.Args)
	}
}

func TestNewPlanRootfsModesAndMounts(t *testing.T) {
	base := config.Sandbox{Name: "m", Command: []string{"/bin/sh"}, Rootfs: "/srv/r", Namespaces: config.Namespaces}
	flags := []string{"nosuid", "nodev"}
	for mode, want := range map[string]isolation.Root{
		"":                      {Source: "/srv/r", Overlay: true, Beneath: "/", Flags: flags},
		config.RootfsEphemeral:  {Source: "/srv/r", Overlay: true, Beneath: "/", Flags: flags},
		config.RootfsReadonly:   {Source: "/srv/r", Readonly: true, Beneath: "/", Flags: flags},
		config.RootfsPersistent: {Source: "/srv/r", Overlay: true, StateDir: "/srv/state", Beneath: "/", StateBeneath: "/", Flags: flags},
	} {
		s := base
		s.RootfsOptions = config.RootfsOptions{Mode: mode}
		if mode == config.RootfsPersistent {
			s.RootfsOptions.StateDir = "/srv/state"
		}
		if got := NewPlan(&s, testHost).Spec.Root; !reflect.DeepEqual(got, want) {
			t.Errorf("mode %q: root = %+v, want %+v", mode, got, want)
		}
	}
	s := base
	s.Mounts = []config.Mount{
		{Type: "bind", Source: "/data", Target: "/data", Readonly: true, Options: []string{"nosuid"}},
		{Type: "tmpfs", Target: "/scratch", Options: []string{"size=1m", "noexec", "mode=0700"}},
		{Type: "overlay", Source: "/src", Target: "/src", Optional: true},
	}
	mounts := NewPlan(&s, testHost).WithRootfs("/cache/sha256-x").Spec.Mounts
	got := mounts[len(mounts)-3:]
	want := []isolation.Mount{
		{Kind: isolation.KindBind, Source: "/data", Target: "/data", Flags: []string{"ro", "nosuid", "nodev"}, Beneath: "/"},
		{Kind: isolation.KindFS, FSType: "tmpfs", Target: "/scratch", Flags: []string{"nosuid", "nodev", "noexec"}, Data: "size=1m,mode=0700"},
		{Kind: isolation.KindOverlay, Source: "/src", Target: "/src", Optional: true, Flags: []string{"nosuid", "nodev"}, Beneath: "/"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("user mounts = %+v, want %+v", got, want)
	}
	if p := NewPlan(&s, testHost).WithRootfs("/cache/sha256-x"); p.Spec.Root.Source != "/cache/sha256-x" || p.Spec.Root.Beneath != "" {
		t.Errorf("WithRootfs: root = %+v, want the cache entry, trusted whole", p.Spec.Root)
	}
}

func TestNewPlanMountFlagsAndSources(t *testing.T) {
	s := config.Sandbox{Name: "m", Command: []string{"/bin/sh"}, Rootfs: "/proj/rootfs", Dir: "/proj", Namespaces: config.Namespaces}
	s.Mounts = []config.Mount{
		{Type: "bind", Source: "/proj/data", Target: "/data", Options: []string{"dev", "suid"}},
		{Type: "bind", Source: "/proj", Target: "/proj"},
		{Type: "bind", Source: "/project-b", Target: "/b"},
	}
	p := NewPlan(&s, testHost)
	got := p.Spec.Mounts[len(p.Spec.Mounts)-3:]
	for i, want := range []struct {
		beneath string
		flags   []string
	}{{"/proj", nil}, {"/proj", []string{"nosuid", "nodev"}}, {"/", []string{"nosuid", "nodev"}}} {
		if got[i].Beneath != want.beneath || !slices.Equal(got[i].Flags, want.flags) {
			t.Errorf("mount of %s: beneath %q flags %v, want %q %v", got[i].Source, got[i].Beneath, got[i].Flags, want.beneath, want.flags)
		}
	}
	if p.Spec.Root.Beneath != "/proj" {
		t.Errorf("root beneath %q, want /proj", p.Spec.Root.Beneath)
	}
	s.Security.AllowNewPrivileges = true
	if f := NewPlan(&s, testHost).Spec.Root.Flags; !slices.Equal(f, []string{"nodev"}) {
		t.Errorf("root flags with no_new_privileges = false: %v, want nodev alone", f)
	}
}

// TestSystemMountsShared: the plans of sandboxes that have only the
// system mounts (a counted block's instances) share one slice of them,
// equal to what each would have made; it is full, so that an append to
// one plan's mounts leaves the others' alone; other sizes get their own.
func TestSystemMountsShared(t *testing.T) {
	sb := func(name string, tmp uint64) *config.Sandbox {
		s := &config.Sandbox{Name: name, Command: []string{"/bin/true"}, Rootfs: "/srv/rootfs", Namespaces: config.Namespaces}
		s.TmpSize = tmp
		return s
	}
	a, b := NewPlan(sb("w[0]", 0), testHost), NewPlan(sb("w[1]", 0), testHost)
	if !reflect.DeepEqual(a.Spec.Mounts, appendSystemMounts(nil, sb("w[0]", 0))) {
		t.Errorf("shared mounts = %+v, want the system mounts", a.Spec.Mounts)
	}
	if &a.Spec.Mounts[0] != &b.Spec.Mounts[0] {
		t.Error("two instances of one block hold a copy each of the system mounts")
	}
	grown := append(a.Spec.Mounts, isolation.Mount{Target: "/extra"})
	if &grown[0] == &a.Spec.Mounts[0] || len(b.Spec.Mounts) != len(a.Spec.Mounts) {
		t.Error("an append to one plan's shared mounts wrote into the slice the others hold")
	}
	c := NewPlan(sb("w[2]", 1<<20), testHost)
	if &c.Spec.Mounts[0] == &a.Spec.Mounts[0] {
		t.Error("a sandbox with another /tmp size shares the mounts of the default size")
	}
}
