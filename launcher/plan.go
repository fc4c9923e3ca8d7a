package launcher

import (
	"encoding/json"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/hclsandbox/sandbox/launcher/cgroups"
	"github.com/hclsandbox/sandbox/launcher/network"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/isolation"
)

// Plan is everything needed to run one sandbox, as plain data.
type Plan struct {
	// Name is the sandbox's name.
	Name string `json:"name"`
	// File is the configuration file that declares it.
	File string `json:"file"`
	// Namespaces are the namespace kinds created for it, in a fixed order.
	Namespaces []string `json:"namespaces"`
	// Spec is what the child performs, in order, before executing the target.
	Spec isolation.Spec `json:"spec"`
	// Limits are the configured cgroup limits, in bytes and cores.
	Limits cgroups.CgroupLimits `json:"limits"`
	// Cgroup is the sandbox's cgroup and every write to it, or nil when
	// the host has no cgroups and nothing is limited.
	Cgroup *cgroups.CgroupConfig `json:"cgroup,omitempty"`
	// Timeout kills the sandbox after this wall time; 0 means never.
	Timeout time.Duration `json:"timeout_ns,omitempty"`
	// UIDMap and GIDMap are the user namespace's id maps, when it has one.
	UIDMap []config.IDMap `json:"uid_map,omitempty"`
	GIDMap []config.IDMap `json:"gid_map,omitempty"`
	// AutoIDs, when not 0, is how many host ids Start allocates
	// for each of UIDMap and GIDMap that is nil, from the sandbox user's
	// subordinate ranges (see SubIDSource), and maps from root inside.
	AutoIDs uint32 `json:"auto_ids,omitempty"`
	// SubIDMaps says that newuidmap and newgidmap, setuid helpers, write
	// UIDMap and GIDMap: they map an unprivileged caller's subordinate
	// ranges, which the caller may not write itself.
	SubIDMaps bool `json:"subid_maps,omitempty"`
	// IDMapError says why the file's uid_map or gid_map is not the
	// caller's to map; Start refuses such a plan.
	IDMapError string `json:"id_map_error,omitempty"`
	// Rootless is set when an unprivileged user starts the sandbox: only a
	// user namespace gives it privileges, and inside only.
	Rootless bool `json:"rootless,omitempty"`
	// HostWarnings are protections the host cannot give this sandbox;
	// Warnings adds the limits it cannot enforce.
	HostWarnings []string `json:"warnings,omitempty"`
	// SeccompError says why the seccomp filter the sandbox asks for did
	// not compile. A sandbox never runs without the filter it asks for:
	// Start refuses a plan with this set, and plan and validate report it
	// (see PlanDiagnostics).
	SeccompError string `json:"seccomp_error,omitempty"`
	// TimeError says why the time namespace the sandbox asks for would
	// not hold its command on this kernel (TimeNamespaceWorks); Start
	// refuses such a plan.
	TimeError string `json:"time_error,omitempty"`
	// StopSignal asks the sandbox to stop; SIGKILL follows after
	// StopTimeout. Zero means the defaults, SIGTERM and 10s (see Stop).
	StopSignal  syscall.Signal `json:"stop_signal,omitempty"`
	StopTimeout time.Duration  `json:"stop_timeout_ns,omitempty"`
	// Network is the wiring of a sandbox on a named network, else nil.
	Network *network.Plan `json:"network,omitempty"`
	// Image is the image of an image sandbox, else nil.
	Image *PlanImage `json:"image,omitempty"`
	// Health is the sandbox's health check, else nil.
	Health *HealthPlan `json:"health,omitempty"`

	// initConfig is the configured init attribute, nil when unset, so that
	// WithArgs can recompute the default for a new command.
	initConfig *bool
	// idMapAttr names the attribute that IDMapError is about first.
	idMapAttr string
}

// JSON returns the plan as indented JSON, the form `sandbox plan --json` prints.
func (p *Plan) JSON() ([]byte, error) {
	return json.MarshalIndent(p, "", "  ")
}

// defaultPath is the PATH a sandbox gets unless its env sets one.
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// NewPlan computes the plan of one sandbox on a host. It performs no
// syscalls of its own; host facts come from h.
func NewPlan(s *config.Sandbox, h *Host) *Plan {
	p := &Plan{Name: s.Name, File: s.File, Namespaces: orderedNamespaces(s, h)}
	p.Spec.Root = planRoot(s, s.Rootfs)
	if s.Image != nil {
		// Until NewImagePlan gives it the image, Start refuses the plan.
		p.Image = &PlanImage{Source: s.Image.String()}
	}
	p.Spec.Mounts = planMounts(p, s, h)
	p.Spec.Loopback = s.HasNamespace("net")
	if s.HasNamespace("uts") {
		p.Spec.Hostname = hostname(s)
	}
	p.Spec.Cwd = s.Workdir
	if p.Spec.Cwd == "" {
		p.Spec.Cwd = "/"
	}
	applySecurity(p, s, h)
	planUserNamespace(p, s, h)
	p.Spec.Args = append([]string(nil), s.Command...)
	p.Spec.Env = environment(s.Env, h.Term)
	planResources(p, s, h)
	planStop(p, s)
	planTime(p, s, h)
	p.Network = planNetwork(s)
	planRootlessNetwork(p)
	planForwarding(p, h)
	p.initConfig = s.Init
	planHealth(p, s)
	p.Spec.Init = wantInit(p.initConfig, p.Spec.Args)
	return p
}

// planMounts are the plan's mounts in order, in one allocation: the host
// view's on a host-view root (which it also sets), the system mounts, the
// configured ones.
func planMounts(p *Plan, s *config.Sandbox, h *Host) []isolation.Mount {
	var view []isolation.Mount
	hostRoot := s.Rootfs == "" && s.Image == nil
	if hostRoot {
		p.Spec.Root = isolation.Root{Readonly: true, Flags: []string{"nosuid", "nodev"}}
		view = h.hostView()
	}
	user := userMounts(s)
	if !hostRoot && len(user) == 0 {
		return sharedSystemMounts(s)
	}
	out := make([]isolation.Mount, 0, len(view)+1+systemMountCount()+len(user))
	if hostRoot {
		out = append(append(out, view...), hostHome(s))
	}
	out = appendSystemMounts(out, s)
	return append(out, user...)
}

// WithArgs returns a copy of p whose command is args, as `sandbox run -- ARGS` asks.
func (p *Plan) WithArgs(args []string) *Plan {
	q := *p
	q.Spec.Args = append([]string(nil), args...)
	q.Spec.Init = wantInit(q.initConfig, q.Spec.Args)
	return &q
}

// orderedNamespaces are the sandbox's namespaces in the kernel's order,
// with a user namespace whenever wantsUserNamespace.
func orderedNamespaces(s *config.Sandbox, h *Host) []string {
	var out []string
	for _, kind := range config.NamespaceKinds {
		if s.HasNamespace(kind) || kind == "user" && wantsUserNamespace(s, h) {
			out = append(out, kind)
		}
	}
	return out
}

// hostname is the configured hostname or one made from the sandbox name.
func hostname(s *config.Sandbox) string {
	if s.Hostname != "" {
		return s.Hostname
	}
	h := SafeName(s.Name)
	if len(h) > 63 {
		h = strings.TrimRight(h[:63], "-")
	}
	return h
}

// environment builds the target's sorted environment: defaults, then the
// sandbox's own variables on top.
func environment(env map[string]string, term string) []string {
	vars := map[string]string{"PATH": defaultPath, "HOME": "/root"}
	if term != "" {
		vars["TERM"] = term
	}
	for k, v := range env {
		vars[k] = v
	}
	out := make([]string, 0, len(vars))
	for k, v := range vars {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}
