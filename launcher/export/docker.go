package export

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/hclsandbox/sandbox/isolation"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/cgroups"
)

// dockerMasked and dockerReadonly are the paths docker masks and makes
// read-only by default (moby's oci defaults), the same as the plan's
// defaults.
var (
	dockerMasked = []string{"/proc/asound", "/proc/acpi", "/proc/interrupts", "/proc/kcore", "/proc/keys",
		"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
		"/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap"}
	dockerReadonly = []string{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"}
)

// Docker converts a plan into a docker run command line. Docker runs
// images: an image sandbox names its image; a rootfs directory or the
// host view needs one made first, which a warning says how to do.
func Docker(p *launcher.Plan, o Options) (*Command, error) {
	c := &Command{}
	c.add("docker", "run")
	c.add("--rm")
	if o.Interactive {
		c.add("-it")
	} else {
		c.add("-i")
	}
	dockerNamespaces(c, p)
	dockerRoot(c, p)
	dockerMounts(c, p.Spec.Mounts, o)
	if err := dockerSecurity(c, p, o); err != nil {
		return nil, err
	}
	dockerResources(c, p)
	dockerProcess(c, p)
	image := dockerImage(c, p, o)
	if len(p.Spec.Args) == 0 {
		c.add(image)
		return c, nil
	}
	c.add("--entrypoint", p.Spec.Args[0])
	c.add(append([]string{image}, p.Spec.Args[1:]...)...)
	return c, nil
}

// dockerNamespaces: docker makes every namespace but the user one; a
// namespace the plan shares with the host is shared here too.
// dockerNSOption is docker run's option for each namespace kind it makes.
var dockerNSOption = map[string]string{"net": "--network", "pid": "--pid", "ipc": "--ipc", "uts": "--uts", "cgroup": "--cgroupns"}

func dockerNamespaces(c *Command, p *launcher.Plan) {
	for _, kind := range []string{"net", "pid", "ipc", "uts", "cgroup"} {
		switch {
		case !hasNamespace(p, kind):
			c.add(dockerNSOption[kind] + "=host")
		case kind == "net":
			c.add("--network=none")
		case kind == "cgroup":
			c.add("--cgroupns=private")
		}
	}
	if hasNamespace(p, "user") {
		c.warnf("user namespace: docker maps ids for the whole daemon (userns-remap), not per container; the container runs without one")
	}
	if p.Spec.Hostname != "" {
		c.add("--hostname", p.Spec.Hostname)
	}
	networkWarnings(c, p)
}

// dockerRoot: --read-only for a read-only root; docker's own writable
// layer is the ephemeral overlay.
func dockerRoot(c *Command, p *launcher.Plan) {
	r := p.Spec.Root
	switch {
	case r.Readonly:
		c.add("--read-only")
	case r.Overlay && r.StateDir != "":
		c.warnf("rootfs mode persistent: docker's writable layer is thrown away with --rm; writes do not reach %s", r.StateDir)
	}
}

// dockerMounts converts the mount steps: docker makes /proc, /dev, /sys
// and /dev/shm itself, so only /tmp-like tmpfs mounts and binds are left.
func dockerMounts(c *Command, ms []isolation.Mount, o Options) {
	for _, m := range ms {
		if exists, _ := o.stat(m.Source); m.Optional && !exists {
			continue
		}
		if underDev(m) || m.Target == "/dev" || m.Target == "/proc" || m.Target == "/sys" || m.Target == "/dev/mqueue" {
			continue
		}
		switch m.Kind {
		case isolation.KindBind, isolation.KindOverlay:
			dockerBind(c, m)
		case isolation.KindFS:
			if m.FSType != "tmpfs" {
				c.warnf("%s on %s: docker run cannot mount this file system; left out", m.FSType, m.Target)
				continue
			}
			dockerTmpfs(c, m)
		case isolation.KindSymlink:
			// Docker makes no links: bind what the link points to.
			src := path.Join(path.Dir(m.Target), m.Source)
			dockerBind(c, isolation.Mount{Kind: isolation.KindBind, Source: src, Target: m.Target, Flags: []string{"ro", "nosuid", "nodev"}})
		}
	}
}

// dockerTmpfs is --tmpfs, or --shm-size for /dev/shm, which docker
// mounts itself.
func dockerTmpfs(c *Command, m isolation.Mount) {
	if m.Target != "/dev/shm" {
		c.add("--tmpfs", m.Target+":"+tmpfsOptions(m))
		return
	}
	for _, o := range splitData(m.Data) {
		if k, v, _ := strings.Cut(o, "="); k == "size" {
			if n, ok := parseSize(v); ok {
				c.add("--shm-size", strconv.FormatUint(n, 10))
			}
		}
	}
}

// dockerBind is a --mount of type bind, whose comma-separated form takes
// any path without a comma or a newline.
func dockerBind(c *Command, m isolation.Mount) {
	if strings.ContainsAny(m.Source+m.Target, ",\n\"") {
		c.warnf("mount of %s on %s: the path holds a character docker's --mount syntax cannot take; left out", m.Source, m.Target)
		return
	}
	if m.Kind == isolation.KindOverlay {
		c.warnf("overlay mount of %s on %s: docker run has no overlay with a throwaway upper layer; exported as a read-only bind", m.Source, m.Target)
	}
	spec := "type=bind,source=" + m.Source + ",target=" + m.Target
	if m.HasFlag("ro") || m.Kind == isolation.KindOverlay {
		spec += ",readonly"
	}
	c.add("--mount", spec)
	if m.HasFlag("noexec") || !m.HasFlag("nosuid") || !m.HasFlag("nodev") {
		c.warnf("mount on %s: docker binds take no nosuid, nodev or noexec; it keeps the source's own", m.Target)
	}
}

// dockerSecurity is the capabilities, no_new_privs and seccomp profile.
func dockerSecurity(c *Command, p *launcher.Plan, o Options) error {
	c.add("--cap-drop", "ALL")
	for _, cp := range p.Spec.Capabilities {
		c.add("--cap-add", strings.TrimPrefix(cp, "CAP_"))
	}
	if p.Spec.NoNewPrivs {
		c.add("--security-opt", "no-new-privileges")
	}
	if !slices.Equal(sorted(p.Spec.MaskedPaths), sorted(dockerMasked)) || !slices.Equal(sorted(p.Spec.ReadonlyPaths), sorted(dockerReadonly)) {
		c.warnf("masked and read-only paths: docker has its own list, which differs from the plan's")
	}
	return dockerSeccomp(c, p, o)
}

// dockerSeccomp: the default profile is docker's own; a changed one is
// written as a profile file.
func dockerSeccomp(c *Command, p *launcher.Plan, o Options) error {
	sc := p.Spec.Seccomp
	switch {
	case sc == nil:
		c.add("--security-opt", "seccomp=unconfined")
	case sc.Profile == "default":
		// docker's default profile is the one the plan compiled.
	case o.SeccompRules == nil || o.SeccompFile == "":
		c.warnf("seccomp profile %s: docker loads a changed profile from a file; pass --seccomp-out FILE to write it; exported with docker's default profile", sc.Profile)
	default:
		data, err := json.MarshalIndent(o.SeccompRules, "", "  ")
		if err != nil {
			return fmt.Errorf("encode the seccomp profile: %w", err)
		}
		c.Seccomp = append(data, '\n')
		c.add("--security-opt", "seccomp="+o.SeccompFile)
	}
	return nil
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// dockerResources is the cgroup limits, rlimits and oom_score_adj.
func dockerResources(c *Command, p *launcher.Plan) {
	l := p.Limits
	if l.Memory > 0 {
		c.add("--memory", strconv.FormatUint(l.Memory, 10))
		swap := strconv.FormatUint(l.Memory, 10) // docker counts memory and swap together
		if l.MemorySwap != nil {
			swap = strconv.FormatUint(l.Memory+*l.MemorySwap, 10)
			if *l.MemorySwap == cgroups.SwapUnlimited {
				swap = "-1"
			}
		}
		c.add("--memory-swap", swap)
	}
	if l.CPUs > 0 {
		c.add("--cpus", strconv.FormatFloat(l.CPUs, 'f', -1, 64))
	}
	if l.CPUWeight > 0 {
		c.add("--cpu-shares", strconv.FormatUint(2+(l.CPUWeight-1)*262142/9999, 10))
	}
	if l.IOWeight > 0 {
		w := min(max(l.IOWeight/10, 10), 1000)
		c.add("--blkio-weight", strconv.FormatUint(w, 10))
	}
	if l.Pids > 0 {
		c.add("--pids-limit", strconv.FormatUint(l.Pids, 10))
	}
	for _, r := range p.Spec.Rlimits {
		c.add("--ulimit", r.Name+"="+dockerRlimit(r.Soft)+":"+dockerRlimit(r.Hard))
	}
	if p.Spec.OOMScoreAdj != 0 {
		c.add("--oom-score-adj", strconv.Itoa(p.Spec.OOMScoreAdj))
	}
}

func dockerRlimit(v uint64) string {
	if v == isolation.RlimInfinity {
		return "-1"
	}
	return strconv.FormatUint(v, 10)
}

// dockerProcess is the environment, working directory, user, init and
// stop settings.
func dockerProcess(c *Command, p *launcher.Plan) {
	for _, kv := range p.Spec.Env {
		c.add("-e", kv)
	}
	c.warnf("environment: docker adds HOSTNAME, and the image's own variables, to the plan's")
	c.add("-w", p.Spec.Cwd)
	if p.Spec.User != "" {
		c.add("--user", p.Spec.User)
	}
	if p.Spec.Init {
		c.add("--init")
	}
	if p.StopSignal != 0 {
		c.add("--stop-signal", strconv.Itoa(int(p.StopSignal)))
	}
	if p.StopTimeout > 0 {
		c.add("--stop-timeout", strconv.Itoa(int(p.StopTimeout.Seconds())))
	}
	if p.Timeout > 0 {
		c.warnf("timeout %s: docker run has none; wrap it in timeout -s KILL %s", p.Timeout, fmtSeconds(p.Timeout.Seconds()))
	}
	c.Warnings = append(c.Warnings, p.Warnings()...)
	timeWarning(c, p)
	dockerHealth(c, p)
}

// dockerImage is the image to run: an image sandbox's own reference, else
// a name for one the caller must make, which a warning explains.
func dockerImage(c *Command, p *launcher.Plan, o Options) string {
	if p.Image != nil {
		return p.Image.Source
	}
	name := "sandbox-" + launcher.SafeName(p.Name)
	if src := p.Spec.Root.Source; src != "" {
		if _, dir := o.stat(src); !dir {
			c.warnf("rootfs tarball %s: docker runs images; make one with: docker import %s %s", src, Quote(src), name)
			return name
		}
		c.warnf("rootfs directory %s: docker runs images; make one with: tar -C %s -c . | docker import - %s", src, Quote(src), name)
		return name
	}
	c.warnf("host view: docker runs images; the binds above give the host's system, on an empty image: tar -cf - -T /dev/null | docker import - %s", name)
	return name
}
