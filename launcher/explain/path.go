package explain

import (
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/isolation"
)

// explainPath says what a path inside the sandbox is: masked, a mount or
// below one, from the rootfs, or absent from the host view.
func explainPath(in Input, p string) *Answer {
	p = path.Clean(p)
	a := &Answer{What: p, Kind: "path"}
	if slices.Contains(in.Plan.Spec.MaskedPaths, p) {
		a.Answer = "masked: it reads empty and cannot be written"
		a.step("", "every sandbox masks %s, one of the kernel interfaces a payload has no business reading (the masked paths of runc and Docker)", p)
		return a
	}
	if m, ok := coveringMount(in.Plan.Spec.Mounts, p); ok {
		explainMount(in, a, m, p)
	} else {
		explainRoot(in, a, p)
	}
	for _, r := range in.Plan.Spec.ReadonlyPaths {
		if within(p, r) {
			a.step("", "%s is made read-only in every sandbox, as runc and Docker do", r)
		}
	}
	return a
}

// within reports whether p is dir or below it.
func within(p, dir string) bool {
	return p == dir || dir == "/" || strings.HasPrefix(p, dir+"/")
}

// coveringMount is the last mount step whose target holds p: the one the
// path shows.
func coveringMount(ms []isolation.Mount, p string) (isolation.Mount, bool) {
	var best isolation.Mount
	found := false
	for _, m := range ms {
		if within(p, m.Target) && (!found || len(m.Target) >= len(best.Target)) {
			best, found = m, true
		}
	}
	return best, found
}

// explainMount says what the mount that shows p is and who asked for it.
func explainMount(in Input, a *Answer, m isolation.Mount, p string) {
	s := in.Sandbox
	if um, ok := userMount(s, m.Target); ok {
		a.Answer = mountSummary(s, m)
		a.step(where(um.DeclRange), "the mount block on %s", um.Target)
		below(a, m, p)
		return
	}
	switch {
	case m.Kind == isolation.KindBind && s.Rootfs == "" && s.Image == nil && !strings.HasPrefix(m.Target, "/dev"):
		a.Answer = "read-only bind of the host's " + m.Source
		a.step(where(s.DeclRange), "the sandbox has no rootfs, so it sees the host view: a read-only bind of the host's %s and a few files of /etc", strings.Join(hostViewTops(in), ", "))
	case m.Kind == isolation.KindSymlink:
		a.Answer = "a link to " + m.Source
		a.step(where(s.DeclRange), "the host view links %s to %s, as the host's merged /usr does", m.Target, m.Source)
	default:
		a.Answer = mountSummary(s, m)
		a.step(where(systemRange(s, m.Target)), "every sandbox gets its own %s on %s", systemWhat(m), m.Target)
	}
	below(a, m, p)
}

// below notes that p lies inside the mount rather than being it.
func below(a *Answer, m isolation.Mount, p string) {
	if p != m.Target {
		a.Answer = "inside " + m.Target + ": " + a.Answer
	}
}

// userMount is the configured mount block on target.
func userMount(s *config.Sandbox, target string) (config.Mount, bool) {
	for i := len(s.Mounts) - 1; i >= 0; i-- {
		if s.Mounts[i].Target == target {
			return s.Mounts[i], true
		}
	}
	return config.Mount{}, false
}

// mountSummary is a mount step in a few words: "bind of ./data, read-write".
func mountSummary(s *config.Sandbox, m isolation.Mount) string {
	mode := "read-write"
	if m.HasFlag("ro") {
		mode = "read-only"
	}
	switch m.Kind {
	case isolation.KindBind:
		return "bind of " + display(s, m.Source) + ", " + mode
	case isolation.KindOverlay:
		return "overlay of " + display(s, m.Source) + ", writes thrown away"
	}
	out := m.FSType + ", " + mode
	if m.Data != "" {
		out += " (" + m.Data + ")"
	}
	return out
}

// display shows a host path relative to the sandbox's file when it lies
// below its directory, as it is usually written.
func display(s *config.Sandbox, p string) string {
	if rel, err := filepath.Rel(s.Dir, p); err == nil && !strings.HasPrefix(rel, "..") && s.Dir != "" {
		return "./" + rel
	}
	return p
}

// systemWhat names a mount every sandbox gets.
func systemWhat(m isolation.Mount) string {
	switch {
	case m.Kind == isolation.KindBind && path.Dir(m.Target) == "/dev":
		return "bind of the host's " + m.Source + " device node, the only kind of device it may open"
	case m.FSType == "tmpfs" && m.Target == "/dev":
		return "fresh tmpfs /dev with only the standard device nodes"
	case m.FSType == "proc":
		return "proc of its own PID namespace"
	case m.FSType == "sysfs" || m.Kind == isolation.KindBind && m.Target == "/sys":
		return "read-only sysfs"
	}
	return m.FSType
}

// systemRange is where the configuration sizes a system mount: tmp_size
// for /tmp, shm_size for /dev/shm; the block header otherwise.
func systemRange(s *config.Sandbox, target string) hcl.Range {
	switch target {
	case "/tmp":
		if r, ok := s.Ranges["tmp_size"]; ok {
			return r
		}
	case "/dev/shm":
		if r, ok := s.Ranges["shm_size"]; ok {
			return r
		}
	}
	return hcl.Range{}
}

// explainRoot: no mount shows p, so the root does.
func explainRoot(in Input, a *Answer, p string) {
	s, r := in.Sandbox, in.Plan.Spec.Root
	switch {
	case s.Image != nil:
		a.Answer = "from the image " + s.Image.String()
		a.step(where(s.Range("image")), "the root is an overlay of the image's layers; writes are thrown away")
	case s.Rootfs != "":
		a.Answer = "from the rootfs " + display(s, s.Rootfs) + rootMode(r)
		a.step(where(s.Range("rootfs")), "rootfs %s", display(s, s.Rootfs))
		if m, ok := s.Ranges["rootfs.mode"]; ok {
			a.step(where(m), "mode %s", s.RootfsOptions.Mode)
		}
	default:
		a.Answer = "absent: " + hostViewHas(in, p)
		a.step(where(s.DeclRange), "set by having no rootfs: the sandbox sees the host view, an empty read-only root with only these host paths bound")
	}
}

func rootMode(r isolation.Root) string {
	switch {
	case r.Readonly:
		return ", read-only"
	case r.Overlay && r.StateDir != "":
		return ", writes kept in " + r.StateDir
	case r.Overlay:
		return ", writes thrown away when it ends"
	}
	return ""
}

// hostViewHas says what the host view binds near p: the files of p's
// directory, or its top-level entries.
func hostViewHas(in Input, p string) string {
	dir := path.Dir(p)
	var names []string
	for _, m := range in.Plan.Spec.Mounts {
		if m.Kind == isolation.KindBind && path.Dir(m.Target) == dir && dir != "/" {
			names = append(names, path.Base(m.Target))
		}
	}
	if len(names) > 0 {
		return "the host view allows only these files of " + dir + ": " + strings.Join(names, ", ")
	}
	return "the host view holds only " + strings.Join(hostViewTops(in), ", ") + " and the sandbox's own /proc, /dev, /tmp and /sys"
}

// hostViewTops are the top-level directories the host view binds or links.
func hostViewTops(in Input) []string {
	var out []string
	for _, m := range in.Plan.Spec.Mounts {
		if _, mine := userMount(in.Sandbox, m.Target); mine {
			continue
		}
		top := "/" + strings.SplitN(strings.TrimPrefix(m.Target, "/"), "/", 2)[0]
		if (m.Kind == isolation.KindBind || m.Kind == isolation.KindSymlink) && !slices.Contains(out, top) &&
			!slices.Contains([]string{"/dev", "/proc", "/sys", "/tmp", "/etc"}, top) {
			out = append(out, top)
		}
	}
	return out
}
