package export

import (
	"path"
	"strconv"
	"strings"

	"github.com/hclsandbox/sandbox/isolation"
	"github.com/hclsandbox/sandbox/launcher"
)

// SystemdRun converts a plan into a systemd-run command line: a transient
// service (--pipe --wait, or --pty for an interactive command) whose
// properties isolate and limit it. A scope (--scope) takes the cgroup
// limits only, not the namespace and file system properties, so the
// service is what can hold the whole plan.
func SystemdRun(p *launcher.Plan, o Options) (*Command, error) {
	if o.Scope {
		return systemdScope(p, o)
	}
	c := &Command{}
	c.add("systemd-run")
	c.add("--quiet")
	c.add("--collect")
	if o.Interactive {
		c.add("--pty")
	} else {
		c.add("--wait", "--pipe")
	}
	for _, prop := range limitProperties(p) {
		c.add("-p", prop)
	}
	systemdNamespaces(c, p)
	systemdRoot(c, p)
	systemdMounts(c, p.Spec.Mounts)
	for _, m := range p.Spec.MaskedPaths {
		c.add("-p", "InaccessiblePaths=-"+m)
	}
	for _, r := range p.Spec.ReadonlyPaths {
		c.add("-p", "ReadOnlyPaths=-"+r)
	}
	systemdProcess(c, p)
	systemdWarnings(c, p)
	c.add(append([]string{"--"}, p.Spec.Args...)...)
	return c, nil
}

// systemdNamespaces are the namespace properties. A mount namespace comes
// with any of them.
func systemdNamespaces(c *Command, p *launcher.Plan) {
	for _, kind := range p.Namespaces {
		switch kind {
		case "net":
			c.add("-p", "PrivateNetwork=yes")
		case "ipc":
			c.add("-p", "PrivateIPC=yes")
		case "uts":
			c.add("-p", "ProtectHostname=yes")
			c.warnf("hostname %s: ProtectHostname= gives the service its own UTS namespace with the host's name; systemd cannot set another", p.Spec.Hostname)
		case "user":
			c.add("-p", "PrivateUsers=yes")
			c.warnf("uid_map and gid_map: PrivateUsers= maps only root and the service's user")
		case "cgroup":
			c.add("-p", "ProtectControlGroups=yes")
			c.warnf("cgroup namespace: ProtectControlGroups= makes the cgroup tree read-only but shows the host's; systemd 257 adds ProtectControlGroups=private")
		case "pid":
			c.warnf("PID namespace: systemd 257 adds PrivatePIDs=yes; older versions share the host's, and the service sees every process in /proc")
		}
	}
}

// systemdRoot: a rootfs is RootDirectory=; the host view is an empty
// read-only tmpfs root that the binds fill.
func systemdRoot(c *Command, p *launcher.Plan) {
	r := p.Spec.Root
	if r.Source == "" {
		c.add("-p", "TemporaryFileSystem=/:ro")
		return
	}
	if len(r.Lower) > 0 {
		c.warnf("image layers: systemd cannot stack an image's layers; only the top one, %s, is the root (export oci flattens them)", r.Source)
	}
	c.add("-p", "RootDirectory="+r.Source)
	switch {
	case r.Overlay && r.StateDir != "":
		c.warnf("rootfs mode persistent: systemd has no overlay root; / is read-only and writes fail instead of going to %s", r.StateDir)
	case r.Overlay:
		c.warnf("rootfs mode ephemeral: systemd has no overlay root; / is read-only and writes fail instead of being thrown away")
	}
	if r.Readonly || r.Overlay {
		c.add("-p", "ProtectSystem=strict")
	}
}

// systemdMounts converts the mount steps. PrivateDevices= makes /dev with
// the standard nodes, /dev/pts, /dev/shm and the links, so the plan's own
// steps for those are left out.
func systemdMounts(c *Command, ms []isolation.Mount) {
	for _, m := range ms {
		if underDev(m) {
			continue
		}
		switch m.Kind {
		case isolation.KindSymlink:
			src := path.Join(path.Dir(m.Target), m.Source)
			c.add("-p", "BindReadOnlyPaths=-"+src+":"+m.Target)
		case isolation.KindBind, isolation.KindOverlay:
			systemdBind(c, m)
		case isolation.KindFS:
			systemdFS(c, m)
		}
	}
}

// systemdBind is BindPaths= or BindReadOnlyPaths=.
func systemdBind(c *Command, m isolation.Mount) {
	if strings.ContainsAny(m.Source+m.Target, ": \t\n\"'\\") {
		c.warnf("mount of %s on %s: the path holds a character systemd's bind syntax cannot take; left out", m.Source, m.Target)
		return
	}
	prop := "BindPaths="
	if m.HasFlag("ro") || m.Kind == isolation.KindOverlay {
		prop = "BindReadOnlyPaths="
	}
	if m.Kind == isolation.KindOverlay {
		c.warnf("overlay mount of %s on %s: systemd has no overlay with a throwaway upper layer; exported as a read-only bind", m.Source, m.Target)
	}
	if m.Optional {
		prop += "-"
	}
	c.add("-p", prop+m.Source+":"+m.Target+":rbind")
}

// systemdFS mounts a fresh file system, or the property that makes it.
func systemdFS(c *Command, m isolation.Mount) {
	switch {
	case m.FSType == "tmpfs" && m.Target == "/dev":
		c.add("-p", "PrivateDevices=yes")
	case m.FSType == "tmpfs":
		c.add("-p", "TemporaryFileSystem="+m.Target+":"+tmpfsOptions(m))
	case m.FSType == "sysfs":
		c.add("-p", "ProtectKernelTunables=yes")
	case m.FSType == "proc" && m.Target == "/proc", m.FSType == "mqueue":
		// The service sees a /proc and has a /dev/mqueue of its own.
	default:
		c.warnf("%s on %s: systemd cannot mount this file system; left out", m.FSType, m.Target)
	}
}

// systemdProcess is the environment, working directory, user,
// capabilities, rlimits and stop settings.
func systemdProcess(c *Command, p *launcher.Plan) {
	for _, kv := range p.Spec.Env {
		c.add("--setenv=" + kv)
	}
	c.add("--working-directory=" + p.Spec.Cwd)
	if u := p.Spec.User; u != "" {
		uid, gid, hasGroup := strings.Cut(u, ":")
		c.add("--uid=" + uid)
		if hasGroup {
			c.add("--gid=" + gid)
		}
	}
	c.add("-p", "CapabilityBoundingSet="+strings.Join(p.Spec.Capabilities, " "))
	if p.Spec.NoNewPrivs {
		c.add("-p", "NoNewPrivileges=yes")
	}
	for _, r := range p.Spec.Rlimits {
		c.add("-p", "Limit"+strings.ToUpper(r.Name)+"="+systemdRlimit(r.Soft)+":"+systemdRlimit(r.Hard))
	}
	c.add("-p", "OOMScoreAdjust="+strconv.Itoa(p.Spec.OOMScoreAdj))
	if p.Timeout > 0 {
		c.add("-p", "RuntimeMaxSec="+fmtSeconds(p.Timeout.Seconds()))
	}
	if p.StopSignal != 0 {
		c.add("-p", "KillSignal="+strconv.Itoa(int(p.StopSignal)))
	}
	if p.StopTimeout > 0 {
		c.add("-p", "TimeoutStopSec="+fmtSeconds(p.StopTimeout.Seconds()))
	}
}

func systemdRlimit(v uint64) string {
	if v == isolation.RlimInfinity {
		return "infinity"
	}
	return strconv.FormatUint(v, 10)
}

// systemdWarnings lists what the service cannot hold.
func systemdWarnings(c *Command, p *launcher.Plan) {
	if sc := p.Spec.Seccomp; sc != nil {
		c.warnf("seccomp profile %s: SystemCallFilter= takes syscall names without the profile's argument rules; exported without a filter", sc.Profile)
	}
	c.warnf("environment: systemd adds variables of its own (INVOCATION_ID, and others) to the plan's")
	if p.Spec.Init {
		c.warnf("init: the command runs as the service's main process, without the sandbox's init")
	}
	commonWarnings(c, p)
}

// systemdScope is a scope that holds the plan's cgroup limits around the
// bwrap command line, which isolates: systemd-run --scope runs the command
// itself, in the caller's context, inside a new cgroup.
func systemdScope(p *launcher.Plan, o Options) (*Command, error) {
	inner, err := Bwrap(p, o)
	if err != nil {
		return nil, err
	}
	c := &Command{Redirects: inner.Redirects, Seccomp: inner.Seccomp}
	c.add("systemd-run")
	c.add("--scope")
	c.add("--quiet")
	c.add("--collect")
	for _, prop := range limitProperties(p) {
		c.add("-p", prop)
	}
	if p.Spec.OOMScoreAdj != 0 {
		c.add("-p", "OOMScoreAdjust="+strconv.Itoa(p.Spec.OOMScoreAdj))
	}
	if p.Timeout > 0 {
		c.add("-p", "RuntimeMaxSec="+fmtSeconds(p.Timeout.Seconds()))
	}
	c.Groups = append(c.Groups, inner.Groups...)
	for _, w := range inner.Warnings {
		if !strings.HasPrefix(w, "limits: ") && !strings.HasPrefix(w, "timeout ") && !strings.HasPrefix(w, "oom_score_adj ") {
			c.Warnings = append(c.Warnings, w)
		}
	}
	return c, nil
}
