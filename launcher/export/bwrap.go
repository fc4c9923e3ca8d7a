package export

import (
	"bytes"
	"encoding/binary"
	"path"
	"strconv"
	"strings"

	"github.com/hclsandbox/sandbox/isolation"
	"github.com/hclsandbox/sandbox/launcher"
)

// bwrapSeccompFD is the descriptor bwrap reads the filter from.
const bwrapSeccompFD = 3

// bwrapNamespaces maps the plan's namespace kinds to bwrap's options; the
// mount namespace is bwrap's always.
var bwrapNamespaces = map[string]string{
	"user": "--unshare-user", "uts": "--unshare-uts", "pid": "--unshare-pid",
	"ipc": "--unshare-ipc", "net": "--unshare-net", "cgroup": "--unshare-cgroup",
}

// Bwrap converts a plan into a bubblewrap (bwrap) command line. bwrap has
// no cgroups, rlimits or timeout: those become warnings, with the
// systemd-run properties that would add the limits.
func Bwrap(p *launcher.Plan, o Options) (*Command, error) {
	c := &Command{}
	c.add("bwrap")
	for _, kind := range p.Namespaces {
		if opt, ok := bwrapNamespaces[kind]; ok {
			c.add(opt)
		}
	}
	c.add("--die-with-parent")
	c.add("--new-session")
	bwrapIDs(c, p)
	bwrapRoot(c, p)
	bwrapMounts(c, p.Spec.Mounts, o)
	bwrapMasks(c, p, o)
	if r := p.Spec.Root; r.Readonly || r.Overlay {
		c.add("--remount-ro", "/")
	}
	bwrapProcess(c, p)
	bwrapSeccomp(c, p, o)
	bwrapWarnings(c, p)
	c.add(append([]string{"--"}, p.Spec.Args...)...)
	return c, nil
}

// bwrapIDs sets the user and group inside a user namespace, the only place
// bwrap can.
func bwrapIDs(c *Command, p *launcher.Plan) {
	if !hasNamespace(p, "user") {
		if p.Spec.User != "" {
			c.warnf("user %s: bwrap changes ids only inside a user namespace (--uid, --gid); the command runs as the caller", p.Spec.User)
		}
		return
	}
	if len(p.UIDMap) > 1 || len(p.GIDMap) > 1 || p.AutoIDs > 0 {
		c.warnf("uid_map and gid_map: bwrap maps one id, the caller's, to --uid and --gid; the other ids are unmapped")
	}
	u, g, _ := strings.Cut(p.Spec.User, ":")
	if u == "" {
		u = "0"
	}
	if g == "" {
		g = u
	}
	if !isNumber(u) || !isNumber(g) {
		c.warnf("user %s: bwrap takes numeric ids; resolve the names and pass --uid and --gid", p.Spec.User)
		return
	}
	c.add("--uid", u)
	c.add("--gid", g)
}

// bwrapRoot binds the rootfs as "/"; the host view starts from bwrap's own
// empty tmpfs root.
func bwrapRoot(c *Command, p *launcher.Plan) {
	r := p.Spec.Root
	if len(r.Lower) > 0 {
		c.warnf("image layers: bwrap cannot stack an image's layers; only the top one, %s, is bound (export to docker, or export oci to flatten them)", r.Source)
	}
	switch {
	case r.Overlay && r.StateDir != "":
		c.warnf("rootfs mode persistent: bwrap has no overlay root; %s is bound read-only and writes to / fail instead of going to %s", r.Source, r.StateDir)
	case r.Overlay:
		c.warnf("rootfs mode ephemeral: bwrap has no overlay root; %s is bound read-only and writes to / fail instead of being thrown away", r.Source)
	}
	if r.Source != "" {
		c.add("--bind", r.Source, "/")
	}
	if !hasFlag(r.Flags, "nosuid") {
		c.warnf("no_new_privileges = false: bwrap mounts everything nosuid and always sets no_new_privs, so setuid programs grant nothing")
	}
}

// bwrapMounts converts the mount steps. bwrap's --dev makes the standard
// device nodes, /dev/pts, /dev/shm and the /dev links itself, so the
// plan's own steps for those are left out.
func bwrapMounts(c *Command, ms []isolation.Mount, o Options) {
	var noexec []string
	for _, m := range ms {
		if underDev(m) {
			continue
		}
		switch m.Kind {
		case isolation.KindSymlink:
			c.add("--symlink", m.Source, m.Target)
		case isolation.KindBind:
			c.add(bindOption(m), m.Source, m.Target)
		case isolation.KindOverlay:
			c.warnf("overlay mount of %s on %s: bwrap 0.8 has no overlay with a throwaway upper layer; exported as a read-only bind", m.Source, m.Target)
			c.add(optional(m, "--ro-bind"), m.Source, m.Target)
		case isolation.KindFS:
			bwrapFS(c, m)
		}
		if m.HasFlag("noexec") && !bwrapNoexec[m.FSType] {
			noexec = append(noexec, m.Target)
		}
	}
	if len(noexec) > 0 {
		c.warnf("noexec on %s: bwrap cannot set it; programs there may run", strings.Join(noexec, ", "))
	}
}

// bwrapNoexec are the file systems bwrap mounts noexec itself (or that
// hold nothing to execute).
var bwrapNoexec = map[string]bool{"proc": true, "mqueue": true, "sysfs": true, "devpts": true}

// underDev reports whether bwrap's --dev (or systemd's PrivateDevices=,
// or docker) makes the mount step itself: a device node, a link or devpts.
func underDev(m isolation.Mount) bool {
	if path.Dir(m.Target) != "/dev" && !strings.HasPrefix(m.Target, "/dev/pts") {
		return false
	}
	switch {
	case m.Kind == isolation.KindBind && m.Source == m.Target:
		return true
	case m.Kind == isolation.KindSymlink:
		return true
	case m.Kind == isolation.KindFS && m.FSType == "devpts":
		return true
	}
	return false
}

func bindOption(m isolation.Mount) string {
	opt := "--bind"
	switch {
	case m.HasFlag("ro"):
		opt = "--ro-bind"
	case !m.HasFlag("nodev"):
		opt = "--dev-bind"
	}
	return optional(m, opt)
}

func optional(m isolation.Mount, opt string) string {
	if m.Optional {
		return opt + "-try"
	}
	return opt
}

// bwrapFS mounts a fresh file system.
func bwrapFS(c *Command, m isolation.Mount) {
	switch m.FSType {
	case "proc":
		c.add("--proc", m.Target)
	case "mqueue":
		c.add("--mqueue", m.Target)
	case "sysfs":
		c.warnf("sysfs on %s: bwrap cannot mount a new sysfs; the host's /sys is bound read-only, so /sys/class/net lists the host's interfaces", m.Target)
		c.add("--ro-bind", "/sys", m.Target)
	case "tmpfs":
		if m.Target == "/dev" {
			c.add("--dev", m.Target)
			return
		}
		bwrapTmpfs(c, m)
	default:
		c.warnf("%s on %s: bwrap cannot mount this file system; left out", m.FSType, m.Target)
	}
}

// bwrapTmpfs is --tmpfs with the mode and size of the mount's data.
func bwrapTmpfs(c *Command, m isolation.Mount) {
	for _, o := range splitData(m.Data) {
		k, v, _ := strings.Cut(o, "=")
		switch k {
		case "mode":
			c.add("--perms", v)
		case "size":
			if n, ok := parseSize(v); ok {
				c.add("--size", strconv.FormatUint(n, 10))
				continue
			}
			c.warnf("tmpfs on %s: size %s is not one bwrap takes; left unlimited", m.Target, v)
		default:
			c.warnf("tmpfs on %s: bwrap cannot set %s", m.Target, o)
		}
	}
	c.add("--tmpfs", m.Target)
	if m.HasFlag("ro") {
		c.add("--remount-ro", m.Target)
	}
}

// bwrapMasks hides the masked paths (an empty read-only tmpfs on a
// directory, the null device on a file, as the child does) and makes the read-only paths
// read-only by binding them onto themselves.
func bwrapMasks(c *Command, p *launcher.Plan, o Options) {
	for _, m := range p.Spec.MaskedPaths {
		exists, dir := o.stat(m)
		switch {
		case !exists:
		case dir:
			c.add("--tmpfs", m)
			c.add("--remount-ro", m)
		default:
			// A read-only bind would be nodev, and the null device
			// would not open; the sandbox's own mask is writable too.
			c.add("--dev-bind", "/dev/null", m)
		}
	}
	for _, r := range p.Spec.ReadonlyPaths {
		c.add("--ro-bind-try", r, r)
	}
}

// bwrapProcess is the hostname, environment, working directory and
// capabilities.
func bwrapProcess(c *Command, p *launcher.Plan) {
	if p.Spec.Hostname != "" {
		c.add("--hostname", p.Spec.Hostname)
	}
	c.add("--clearenv")
	for _, kv := range p.Spec.Env {
		k, v, _ := strings.Cut(kv, "=")
		c.add("--setenv", k, v)
	}
	c.add("--chdir", p.Spec.Cwd)
	c.add("--cap-drop", "ALL")
	for _, cp := range p.Spec.Capabilities {
		c.add("--cap-add", cp)
	}
	if hasNamespace(p, "pid") && !p.Spec.Init {
		c.add("--as-pid-1")
	}
}

// bwrapSeccomp passes the compiled filter on a descriptor.
func bwrapSeccomp(c *Command, p *launcher.Plan, o Options) {
	sc := p.Spec.Seccomp
	if sc == nil {
		return
	}
	if o.SeccompFile == "" {
		c.warnf("seccomp profile %s: bwrap loads a compiled filter from a descriptor; pass --seccomp-out FILE to write it; exported without a filter", sc.Profile)
		return
	}
	c.add("--seccomp", strconv.Itoa(bwrapSeccompFD))
	c.Redirects = append(c.Redirects, Redirect{FD: bwrapSeccompFD, File: o.SeccompFile})
	c.Seccomp = programBytes(sc.Program)
}

// programBytes is a filter as the kernel's struct sock_filter array, in
// the machine's byte order (little-endian on every architecture the
// launcher compiles filters for).
func programBytes(prog isolation.Program) []byte {
	var b bytes.Buffer
	for _, f := range prog {
		binary.Write(&b, binary.LittleEndian, f)
	}
	return b.Bytes()
}

// bwrapWarnings lists what bwrap leaves to its caller.
func bwrapWarnings(c *Command, p *launcher.Plan) {
	if props := limitProperties(p); len(props) > 0 {
		c.warnf("limits: bwrap makes no cgroup; run it under systemd-run --scope -p %s", strings.Join(props, " -p "))
	}
	commonWarnings(c, p)
	if len(p.Spec.Rlimits) > 0 {
		c.warnf("rlimits %s: bwrap cannot set them; wrap it in prlimit %s", rlimitNames(p), strings.Join(prlimitOptions(p), " "))
	}
	if p.Spec.OOMScoreAdj != 0 {
		c.warnf("oom_score_adj %d: bwrap cannot set it; the command inherits its caller's (choom -n %d sets it)", p.Spec.OOMScoreAdj, p.Spec.OOMScoreAdj)
	}
	if p.Timeout > 0 {
		c.warnf("timeout %s: bwrap has none; wrap it in timeout -s KILL %s", p.Timeout, fmtSeconds(p.Timeout.Seconds()))
	}
	if !hasNamespace(p, "user") {
		c.warnf("capabilities: bwrap run by root keeps the caller's bounding set and puts the kept capabilities in the inheritable and ambient sets too, where the sandbox empties them")
	}
	c.warnf("environment: bwrap adds PWD to the plan's")
	if p.Spec.Init && hasNamespace(p, "pid") {
		c.warnf("init: bwrap's PID 1 reaps orphans but does not forward signals to the command")
	}
}

func rlimitNames(p *launcher.Plan) string {
	var names []string
	for _, r := range p.Spec.Rlimits {
		names = append(names, r.Name)
	}
	return strings.Join(names, ", ")
}

// prlimitOptions are the rlimits as prlimit(1) options.
func prlimitOptions(p *launcher.Plan) []string {
	var out []string
	for _, r := range p.Spec.Rlimits {
		out = append(out, "--"+r.Name+"="+rlimitValue(r.Soft)+":"+rlimitValue(r.Hard))
	}
	return out
}

func rlimitValue(v uint64) string {
	if v == isolation.RlimInfinity {
		return "unlimited"
	}
	return strconv.FormatUint(v, 10)
}
