package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/hclsandbox/sandbox/launcher/cgroups"
	"github.com/hclsandbox/sandbox/launcher/state"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/isolation"
	"github.com/hclsandbox/sandbox/launcher"
)

// hidden replaces values that derive from sensitive variables.
const hidden = "(sensitive)"

// deviceRule says what unpacking a tarball does with its device nodes.
var deviceRule = map[string]string{
	config.DevicesSkip:   "its device nodes are left out when it is unpacked",
	config.DevicesRefuse: "it is refused if it holds a device node",
	config.DevicesKeep:   "its device nodes are made when it is unpacked, as root",
}

// WritePlan prints a plan as the numbered steps the child performs. Values
// that s marks as sensitive are hidden; --json shows them.
func WritePlan(w io.Writer, p *launcher.Plan, s *config.Sandbox) {
	fmt.Fprintf(w, "sandbox %q (%s)\n", p.Name, p.File)
	n := 0
	step := func(format string, args ...any) {
		n++
		fmt.Fprintf(w, "  %2d. %s\n", n, fmt.Sprintf(format, args...))
	}
	for _, warning := range p.Warnings() {
		fmt.Fprintf(w, "  warning: %s\n", warning)
	}
	if c := p.Cgroup; c != nil {
		where := fmt.Sprintf("create cgroup %s/<controller>/%s/<project>.%s-<id> (v%d)", c.Root, cgroups.CgroupParent, p.Name, c.Version)
		if len(c.Writes) == 0 {
			step("%s; no limit to write", where)
		} else {
			step("%s and write, in order:", where)
		}
		for _, wr := range c.Writes {
			fmt.Fprintf(w, "        %s/%s = %s    (%s)\n", wr.Controller, wr.File, wr.Value, wr.Limit)
		}
		writeDeviceStep(w, c, step)
	}
	step("create namespaces: %s", strings.Join(p.Namespaces, " "))
	if n := p.Network; n != nil {
		step("before the child runs, wire it to network %s:", n.Network)
		for _, line := range n.Steps() {
			fmt.Fprintf(w, "        %s\n", line)
		}
	}
	switch {
	case p.UIDMap == nil && p.GIDMap == nil && p.AutoIDs > 0:
		step("map ids into the user namespace: auto: %d uids and as many gids from the %s user's range, allocated at start; become root inside",
			p.AutoIDs, state.SubIDUser)
	case p.SubIDMaps:
		step("map ids into the user namespace with newuidmap and newgidmap (the caller's ranges in /etc/subuid and /etc/subgid): uid %s; gid %s; become root inside",
			idMaps(p.UIDMap, p.AutoIDs), idMaps(p.GIDMap, p.AutoIDs))
	case p.UIDMap != nil || p.GIDMap != nil:
		step("map ids into the user namespace: uid %s; gid %s; become root inside",
			idMaps(p.UIDMap, p.AutoIDs), idMaps(p.GIDMap, p.AutoIDs))
	}
	if p.Spec.UnshareCgroup {
		step("enter a new cgroup namespace, rooted at the cgroup it was cloned into")
	}
	if o := p.Spec.TimeOffsets; o != nil {
		step("make a time namespace for the command and move its clocks: %s", timeOffsetsLine(o))
	}
	step("make every mount private: nothing propagates to the host")
	if p.Image != nil {
		writeImage(w, p.Image)
	}
	step("root: %s", rootLine(p.Spec.Root, s))
	if p.Spec.Root.Source != "" {
		fmt.Fprintf(w, "        if it is a tarball: %s (devices = %q)\n", deviceRule[s.RootfsOptions.Devices], s.RootfsOptions.Devices)
	}
	step("mount, in order:")
	for _, m := range p.Spec.Mounts {
		fmt.Fprintf(w, "        %s\n", mountLine(m))
	}
	if dirs := untrustedBelow(p.Spec); len(dirs) > 0 {
		fmt.Fprintf(w, "        (host paths the file names are opened without following a symlink below %s)\n", strings.Join(dirs, ", "))
	}
	step("pivot_root into the new root, detach the old root, chdir /")
	if p.Spec.Root.Readonly {
		step("remount / read-only")
	}
	if len(p.Spec.MaskedPaths) > 0 {
		step("mask %s (files with the null device, checked to be char 1:3; directories with an empty read-only tmpfs)", strings.Join(p.Spec.MaskedPaths, " "))
	}
	if len(p.Spec.ReadonlyPaths) > 0 {
		step("make read-only %s", strings.Join(p.Spec.ReadonlyPaths, " "))
	}
	if p.Spec.Loopback {
		step("bring up lo")
	}
	if p.Spec.Hostname != "" {
		step("set hostname %s", redact(s, "hostname", p.Spec.Hostname))
	}
	step("set oom_score_adj %d", p.Spec.OOMScoreAdj)
	step("chdir %s", redact(s, "workdir", p.Spec.Cwd))
	writeSecuritySteps(w, p, step)
	if p.Spec.Init {
		step("stay as PID 1 (init): forward signals to the command, reap orphans, serve exec")
		step("fork and execve %s", quoteArgs(redactArgs(s, p.Spec.Args)))
	} else {
		step("execve %s", quoteArgs(redactArgs(s, p.Spec.Args)))
	}
	for _, kv := range p.Spec.Env {
		fmt.Fprintf(w, "        env %s\n", redactEnv(s, kv))
	}
	if p.Timeout > 0 {
		fmt.Fprintf(w, "  timeout: the whole tree is killed after %s\n", p.Timeout)
	}
	writeHealth(w, s, p.Health)
}

// writeHealth describes the health check, if any.
func writeHealth(w io.Writer, s *config.Sandbox, h *launcher.HealthPlan) {
	if h == nil {
		return
	}
	check := quoteArgs(h.Command)
	if s.IsSensitive("health.command") {
		check = hidden
	}
	fmt.Fprintf(w, "  health: exec %s inside every %s (timeout %s); unhealthy after %d failures in a row", check, h.Interval, h.Timeout, h.Retries)
	if h.StartPeriod > 0 {
		fmt.Fprintf(w, ", not counting those in the first %s", h.StartPeriod)
	}
	fmt.Fprintln(w)
}

// rootLine describes the root filesystem: what it is, where its writes
// go, and its flags.
func rootLine(r isolation.Root, s *config.Sandbox) string {
	flags := ""
	if len(r.Flags) > 0 {
		flags = " (" + strings.Join(r.Flags, ",") + ")"
	}
	src := redact(s, "rootfs", r.Source)
	switch {
	case s.Image != nil && r.Source == "":
		return "the image's layers, once pulled" + flags
	case len(r.Lower) > 0:
		return fmt.Sprintf("overlay of %d layers, top %s, writes to a tmpfs that ends with the sandbox%s", len(r.Lower)+1, src, flags)
	case r.Source == "":
		return "a fresh tmpfs" + flags
	case r.Overlay && r.StateDir != "":
		return fmt.Sprintf("overlay of %s, writes kept in %s/upper%s", src, r.StateDir, flags)
	case r.Overlay:
		return fmt.Sprintf("overlay of %s, writes to a tmpfs that ends with the sandbox%s", src, flags)
	}
	return fmt.Sprintf("bind %s%s", src, flags)
}

// untrustedBelow lists the directories below which the spec's host paths
// are not followed through a symlink, "/" aside.
func untrustedBelow(spec isolation.Spec) []string {
	seen := map[string]bool{}
	var out []string
	add := func(d string) {
		if d != "" && !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	add(spec.Root.Beneath)
	add(spec.Root.StateBeneath)
	for _, m := range spec.Mounts {
		add(m.Beneath)
	}
	return out
}

// writeDeviceStep prints the cgroup's device allowlist, one rule a line.
func writeDeviceStep(w io.Writer, c *cgroups.CgroupConfig, step func(string, ...any)) {
	if len(c.Devices) == 0 {
		return
	}
	how := "write devices/devices.deny = a, then devices/devices.allow = each rule"
	if c.Version == 2 {
		how = "attach a BPF device program to the cgroup, before the child is cloned into it"
	}
	step("allow only these devices, deny every other (%s):", how)
	for _, r := range c.Devices {
		fmt.Fprintf(w, "        %-12s %s\n", r, r.Name)
	}
}

// redact returns hidden for a sensitive value, else v.
func redact(s *config.Sandbox, key, v string) string {
	if s.IsSensitive(key) {
		return hidden
	}
	return v
}

func redactArgs(s *config.Sandbox, args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = redact(s, "command."+strconv.Itoa(i), a)
	}
	return out
}

// redactEnv hides the value of a KEY=VALUE entry that the sandbox's env
// set from a sensitive variable.
func redactEnv(s *config.Sandbox, kv string) string {
	k, v, _ := strings.Cut(kv, "=")
	if own, ok := s.Env[k]; ok && own == v && s.IsSensitive("env."+k) {
		return k + "=" + hidden
	}
	return kv
}

// mountLine describes one mount step on one line.
func mountLine(m isolation.Mount) string {
	var b strings.Builder
	switch m.Kind {
	case isolation.KindBind:
		fmt.Fprintf(&b, "bind    %s on %s", m.Source, m.Target)
	case isolation.KindSymlink:
		fmt.Fprintf(&b, "symlink %s -> %s", m.Target, m.Source)
	default:
		fmt.Fprintf(&b, "%-7s %s", m.FSType, m.Target)
	}
	opts := append([]string(nil), m.Flags...)
	if m.Data != "" {
		opts = append(opts, m.Data)
	}
	if len(opts) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(opts, ","))
	}
	if m.Optional {
		b.WriteString(" if it exists")
	}
	return b.String()
}

// quoteArgs quotes the words of argv that need it.
func quoteArgs(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a
		if a != hidden && (a == "" || strings.ContainsAny(a, " \t\n\"'\\$`;&|<>()*?[]#~")) {
			out[i] = strconv.Quote(a)
		}
	}
	return strings.Join(out, " ")
}

// writeSecuritySteps prints the identity steps that precede execve.
func writeSecuritySteps(w io.Writer, p *launcher.Plan, step func(string, ...any)) {
	if p.Spec.User != "" {
		step("switch to user %s (looked up in the sandbox's /etc/passwd and /etc/group); a non-root user keeps no capabilities", p.Spec.User)
	}
	caps := strings.Join(p.Spec.Capabilities, " ")
	if caps == "" {
		caps = "none"
	}
	step("keep only capabilities %s; clear inheritable and ambient", caps)
	if p.Spec.NoNewPrivs {
		step("set no_new_privs")
	}
	for _, r := range p.Spec.Rlimits {
		step("set rlimit %s soft %s hard %s", r.Name, rlimitValue(r.Soft), rlimitValue(r.Hard))
	}
	step("load seccomp: %s", launcher.SeccompSummary(p.Spec.Seccomp))
}

func rlimitValue(v uint64) string {
	if v == isolation.RlimInfinity {
		return "unlimited"
	}
	return strconv.FormatUint(v, 10)
}

// idMaps describes id maps as "0->100000 (65536 ids)".
// idMaps shows id maps; nil ones are allocated at start, auto ids each.
func idMaps(maps []config.IDMap, auto uint32) string {
	if maps == nil {
		return fmt.Sprintf("auto: %d ids from the %s user's range", auto, state.SubIDUser)
	}
	var parts []string
	for _, m := range maps {
		parts = append(parts, fmt.Sprintf("%d->%d (%d ids)", m.Inside, m.Outside, m.Count))
	}
	return strings.Join(parts, ", ")
}

// writeImage says which image the root comes from and what its
// configuration gave.
func writeImage(w io.Writer, im *launcher.PlanImage) {
	if im.ID == "" {
		fmt.Fprintf(w, "  image %s: not in the store (sandbox pull); what its configuration gives is not known yet\n", im.Source)
		return
	}
	platform := ""
	if im.Platform != "" {
		platform = ", platform " + im.Platform
	}
	fmt.Fprintf(w, "  image %s: %s%s, %d layers\n", im.Source, im.Digest, platform, im.Layers)
	if len(im.FromImage) > 0 {
		fmt.Fprintf(w, "        from the image: %s\n", strings.Join(im.FromImage, ", "))
	}
	if len(im.ExposedPorts) > 0 {
		fmt.Fprintf(w, "        exposed by the image (published only by ports): %s\n", strings.Join(im.ExposedPorts, ", "))
	}
}

// timeOffsetsLine is a time namespace's offsets, as "monotonic +1h0m0s,
// boottime -30m0s".
func timeOffsetsLine(o *isolation.TimeOffsets) string {
	signed := func(ns int64) string {
		d := time.Duration(ns)
		if d >= 0 {
			return "+" + d.String()
		}
		return d.String()
	}
	return "monotonic " + signed(o.Monotonic) + ", boottime " + signed(o.Boottime)
}
