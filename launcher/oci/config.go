package oci

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/cgroups"
	"github.com/hclsandbox/sandbox/launcher/state"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/isolation"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Bundle is a plan expressed as an OCI runtime configuration, plus what
// the exporter must do on disk that config.json cannot say.
type Bundle struct {
	// Spec is the content of config.json.
	Spec *specs.Spec
	// Symlinks are links to create inside the bundle's root (target ->
	// link text): the host view's merged-/usr links that the plan makes
	// as mount steps.
	Symlinks map[string]string
	// Warnings are the parts of the plan that OCI cannot express, each
	// saying what the exported bundle does instead.
	Warnings []string
}

// ociVersion is the runtime spec version a bundle declares. Every field
// the conversion uses exists in 1.0.0, and older runtimes (Debian's crun
// 1.8.1) refuse a newer version than they know.
const ociVersion = "1.0.0"

// ociNamespaces maps namespace kinds to OCI namespace types.
var ociNamespaces = map[string]specs.LinuxNamespaceType{
	"user": specs.UserNamespace, "uts": specs.UTSNamespace, "pid": specs.PIDNamespace,
	"mount": specs.MountNamespace, "ipc": specs.IPCNamespace, "net": specs.NetworkNamespace,
	"cgroup": specs.CgroupNamespace, "time": specs.TimeNamespace,
}

// Config converts the plan of s into an OCI runtime configuration whose
// root is rootPath (as config.json's root.path). exists reports whether a
// host path exists, so optional binds that would fail are left out. It
// performs no syscalls of its own.
func Config(p *launcher.Plan, s *config.Sandbox, h *launcher.Host, rootPath string, exists func(string) bool) (*Bundle, error) {
	b := &Bundle{Symlinks: map[string]string{}}
	b.Warnings = append(b.Warnings, p.Warnings()...)
	sp := &specs.Spec{
		Version:  ociVersion,
		Root:     &specs.Root{Path: rootPath, Readonly: p.Spec.Root.Readonly},
		Hostname: p.Spec.Hostname,
		Annotations: map[string]string{
			"org.hclsandbox.sandbox.name": p.Name,
			"org.hclsandbox.sandbox.file": p.File,
		},
		Linux: &specs.Linux{
			MaskedPaths:   append([]string(nil), p.Spec.MaskedPaths...),
			ReadonlyPaths: append([]string(nil), p.Spec.ReadonlyPaths...),
		},
	}
	b.Spec = sp
	b.rootWarnings(p)
	for _, kind := range p.Namespaces {
		sp.Linux.Namespaces = append(sp.Linux.Namespaces, specs.LinuxNamespace{Type: ociNamespaces[kind]})
	}
	b.timeOffsets(p)
	for _, m := range p.UIDMap {
		sp.Linux.UIDMappings = append(sp.Linux.UIDMappings, specs.LinuxIDMapping{ContainerID: m.Inside, HostID: m.Outside, Size: m.Count})
	}
	for _, m := range p.GIDMap {
		sp.Linux.GIDMappings = append(sp.Linux.GIDMappings, specs.LinuxIDMapping{ContainerID: m.Inside, HostID: m.Outside, Size: m.Count})
	}
	if p.AutoIDs > 0 && (p.UIDMap == nil || p.GIDMap == nil) {
		b.warnf("user namespace ids: the launcher allocates %d per start from the %s user's subordinate range, which a bundle cannot; "+
			"add uidMappings and gidMappings, or set uid_map and gid_map", p.AutoIDs, state.SubIDUser)
	}
	b.mounts(p.Spec.Mounts, exists)
	proc, err := b.process(p)
	if err != nil {
		return nil, err
	}
	sp.Process = proc
	sp.Linux.Resources = b.resources(p)
	if s.Security.Seccomp.Profile != config.SeccompUnconfined {
		sc, err := launcher.SeccompRules(s.Security.Seccomp, p.Spec.Capabilities, h.Kernel, h.GoArch())
		if err != nil {
			return nil, err
		}
		sp.Linux.Seccomp = sc
	}
	b.lifecycleWarnings(p)
	return b, nil
}

func (b *Bundle) warnf(format string, args ...any) {
	b.Warnings = append(b.Warnings, fmt.Sprintf(format, args...))
}

// rootWarnings lists root modes that OCI, which only binds a directory, lacks.
func (b *Bundle) rootWarnings(p *launcher.Plan) {
	r := p.Spec.Root
	switch {
	case r.Overlay && r.StateDir != "":
		b.warnf("rootfs mode persistent: OCI has no overlay root; writes go straight to the bundle's root, not to %s", r.StateDir)
	case r.Overlay:
		b.warnf("rootfs mode ephemeral: OCI has no overlay root; writes go straight to the bundle's root and are kept")
	}
	if r.Source != "" && len(r.Flags) > 0 {
		b.warnf("root flags %s: OCI cannot set them on the root; runtimes mount it without them", strings.Join(r.Flags, ","))
	}
}

// lifecycleWarnings lists the supervision the launcher does that OCI leaves
// to whoever runs the container.
func (b *Bundle) lifecycleWarnings(p *launcher.Plan) {
	if p.Timeout > 0 {
		b.warnf("timeout %s: OCI has no timeout; the runtime's caller must kill the container", p.Timeout)
	}
	if p.StopSignal != 0 || p.StopTimeout != 0 {
		b.warnf("stop signal and grace period: OCI has none; `runc kill` sends what its caller asks")
	}
	if p.Spec.Init {
		b.warnf("init: OCI runs the command itself as PID 1, without an init that forwards signals and reaps orphans")
	}
	if h := p.Health; h != nil {
		b.warnf("health check %s: OCI has none; `runc exec` it every %s", strings.Join(h.Command, " "), h.Interval)
	}
	if p.Rootless {
		b.warnf("rootless: the plan was made for an unprivileged user; run the bundle with a rootless runtime")
	}
	if p.Cgroup != nil && len(p.Cgroup.Missing) > 0 && p.Cgroup.Strict {
		b.warnf("cgroup controllers missing on this host: %s", strings.Join(p.Cgroup.Missing, ", "))
	}
}

// process is the OCI process: argv, env, cwd, user, capabilities, rlimits.
func (b *Bundle) process(p *launcher.Plan) (*specs.Process, error) {
	caps := append([]string(nil), p.Spec.Capabilities...)
	proc := &specs.Process{
		Args: append([]string(nil), p.Spec.Args...),
		Env:  append([]string(nil), p.Spec.Env...),
		Cwd:  p.Spec.Cwd,
		Capabilities: &specs.LinuxCapabilities{
			Bounding: caps, Effective: caps, Permitted: caps,
		},
		NoNewPrivileges: p.Spec.NoNewPrivs,
	}
	adj := p.Spec.OOMScoreAdj
	proc.OOMScoreAdj = &adj
	if p.Spec.User != "" {
		u, ok := numericIDs(p.Spec.User)
		if !ok {
			return nil, fmt.Errorf("user %q: OCI needs numeric ids; resolve the names first", p.Spec.User)
		}
		proc.User = u
	}
	for _, r := range p.Spec.Rlimits {
		proc.Rlimits = append(proc.Rlimits, specs.POSIXRlimit{Type: "RLIMIT_" + strings.ToUpper(r.Name), Soft: r.Soft, Hard: r.Hard})
	}
	return proc, nil
}

// numericUser parses "UID" or "UID:GID".
func numericIDs(s string) (specs.User, bool) {
	us, gs, hasGroup := strings.Cut(s, ":")
	uid, err := strconv.ParseUint(us, 10, 32)
	if err != nil {
		return specs.User{}, false
	}
	u := specs.User{UID: uint32(uid), GID: uint32(uid)}
	if hasGroup {
		gid, err := strconv.ParseUint(gs, 10, 32)
		if err != nil {
			return specs.User{}, false
		}
		u.GID = uint32(gid)
	}
	return u, true
}

// mounts converts the plan's mount steps. The device nodes the plan binds
// from the host and its /dev links are what every OCI runtime creates by
// default, so they are left to the runtime.
func (b *Bundle) mounts(ms []isolation.Mount, exists func(string) bool) {
	for _, m := range ms {
		switch m.Kind {
		case isolation.KindSymlink:
			if !strings.HasPrefix(m.Target, "/dev/") {
				b.Symlinks[m.Target] = m.Source
			}
		case isolation.KindFS:
			opts := append(append([]string(nil), m.Flags...), splitData(m.Data)...)
			if m.Target == "/dev" {
				// The plan binds device nodes, which keep their own mount's
				// flags; an OCI runtime creates them on this tmpfs instead.
				opts = slices.DeleteFunc(opts, func(o string) bool { return o == "nodev" })
			}
			b.Spec.Mounts = append(b.Spec.Mounts, specs.Mount{Destination: m.Target, Type: m.FSType, Source: m.FSType, Options: opts})
		case isolation.KindBind:
			if path.Dir(m.Target) == "/dev" && m.Source == m.Target {
				continue
			}
			if m.Optional && !exists(m.Source) {
				continue
			}
			opts := append([]string{"rbind"}, m.Flags...)
			b.Spec.Mounts = append(b.Spec.Mounts, specs.Mount{Destination: m.Target, Type: "bind", Source: m.Source, Options: opts})
		case isolation.KindOverlay:
			b.warnf("overlay mount of %s on %s: OCI cannot make an overlay with a throwaway upper layer; exported as a read-only bind", m.Source, m.Target)
			b.Spec.Mounts = append(b.Spec.Mounts, specs.Mount{Destination: m.Target, Type: "bind", Source: m.Source, Options: []string{"rbind", "ro"}})
		}
	}
}

func splitData(d string) []string {
	if d == "" {
		return nil
	}
	return strings.Split(d, ",")
}

// resources converts the cgroup limits.
func (b *Bundle) resources(p *launcher.Plan) *specs.LinuxResources {
	l := p.Limits
	r := &specs.LinuxResources{}
	if l.Memory > 0 {
		mem, swap := int64(l.Memory), int64(l.Memory) // OCI swap counts memory and swap together
		if l.MemorySwap != nil {
			if *l.MemorySwap == cgroups.SwapUnlimited {
				swap = -1
			} else {
				swap += int64(*l.MemorySwap)
			}
		}
		r.Memory = &specs.LinuxMemory{Limit: &mem, Swap: &swap}
	}
	if l.CPUs > 0 || l.CPUWeight > 0 {
		r.CPU = &specs.LinuxCPU{}
		if l.CPUs > 0 {
			period := uint64(100000)
			quota := int64(l.CPUs * float64(period))
			r.CPU.Period, r.CPU.Quota = &period, &quota
		}
		if l.CPUWeight > 0 {
			shares := 2 + (l.CPUWeight-1)*262142/9999 // the cgroup v1 equivalent of a v2 weight
			r.CPU.Shares = &shares
		}
	}
	if l.Pids > 0 {
		r.Pids = &specs.LinuxPids{Limit: int64(l.Pids)}
	}
	if l.IOWeight > 0 {
		w := uint16(min(max(l.IOWeight/10, 10), 1000))
		r.BlockIO = &specs.LinuxBlockIO{Weight: &w}
		b.warnf("limits.io_weight %d: OCI's block I/O weight ranges 10..1000; exported as %d", l.IOWeight, w)
	}
	r.Devices = ociDevices(p.Cgroup)
	return r
}

// ociDevices is the cgroup's device allowlist as OCI writes it: everything
// denied, then each rule allowed, so a runtime's wider defaults do not
// apply.
func ociDevices(c *cgroups.CgroupConfig) []specs.LinuxDeviceCgroup {
	if c == nil || len(c.Devices) == 0 {
		return nil
	}
	out := []specs.LinuxDeviceCgroup{{Allow: false, Access: "rwm"}}
	for _, d := range c.Devices {
		major := d.Major
		rule := specs.LinuxDeviceCgroup{Allow: true, Type: d.Type, Major: &major, Access: d.Access}
		if d.Minor != cgroups.AnyMinor {
			minor := d.Minor
			rule.Minor = &minor
		}
		out = append(out, rule)
	}
	return out
}
