package receipt

import (
	"fmt"
	"strings"
)

// Compare lists what differs between the inputs of two receipts, one
// line each: configuration files, variables, the root's digest, host
// facts, cgroup limits (as requested), and last the plan's digest. None
// means a run now would be made of the same. A sensitive variable is
// compared only through the plan it shapes.
func Compare(was, now *Receipt) []string {
	var out []string
	out = append(out, compareFiles(was.Config, now.Config)...)
	out = append(out, compareVariables(was.Variables, now.Variables)...)
	out = append(out, compareRoot(was.Root, now.Root)...)
	out = append(out, compareHost(was.Host, now.Host)...)
	out = append(out, compareLimits(was.Limits, now.Limits)...)
	if strings.Join(was.Args, "\x00") != strings.Join(now.Args, "\x00") {
		out = append(out, fmt.Sprintf("args: %q → %q", was.Args, now.Args))
	}
	if was.PlanDigest != now.PlanDigest {
		out = append(out, fmt.Sprintf("plan: %s → %s", short(was.PlanDigest), short(now.PlanDigest)))
	}
	return out
}

func compareFiles(was, now []File) []string {
	var out []string
	old := map[string]string{}
	for _, f := range was {
		old[f.Path] = f.SHA256
	}
	seen := map[string]bool{}
	for _, f := range now {
		seen[f.Path] = true
		sum, ok := old[f.Path]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("configuration %s: not loaded before", f.Path))
		case sum != f.SHA256:
			out = append(out, fmt.Sprintf("configuration %s: sha256 %s → %s", f.Path, short(sum), short(f.SHA256)))
		}
	}
	for _, f := range was {
		if !seen[f.Path] {
			out = append(out, fmt.Sprintf("configuration %s: no longer loaded", f.Path))
		}
	}
	return out
}

func compareVariables(was, now []Variable) []string {
	var out []string
	old := map[string]Variable{}
	for _, v := range was {
		old[v.Name] = v
	}
	seen := map[string]bool{}
	for _, v := range now {
		seen[v.Name] = true
		o, ok := old[v.Name]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("variable %s: not declared before, now %s", v.Name, v.Value))
		case o.Value != v.Value:
			out = append(out, fmt.Sprintf("variable %s: %s → %s", v.Name, o.Value, v.Value))
		}
	}
	for _, v := range was {
		if !seen[v.Name] {
			out = append(out, fmt.Sprintf("variable %s: %s → no longer declared", v.Name, v.Value))
		}
	}
	return out
}

func compareRoot(was, now Root) []string {
	switch {
	case was.Kind != now.Kind || was.Source != now.Source:
		return []string{fmt.Sprintf("root: %s → %s", was.describe(), now.describe())}
	case was.Digest != now.Digest:
		return []string{fmt.Sprintf("%s %s: digest %s → %s", was.Kind, was.Source, short(was.Digest), short(now.Digest))}
	case was.ID != now.ID:
		return []string{fmt.Sprintf("image %s: configuration %s → %s", was.Source, short(was.ID), short(now.ID))}
	}
	return nil
}

// describe is "rootfs /src/rootfs", "image debian:12" or "host".
func (r Root) describe() string {
	if r.Source == "" {
		return r.Kind
	}
	return r.Kind + " " + r.Source
}

func compareHost(was, now Host) []string {
	var out []string
	for _, f := range []struct{ name, a, b string }{
		{"kernel", was.Kernel, now.Kernel},
		{"arch", was.Arch, now.Arch},
		{"cgroup driver", was.CgroupDriver, now.CgroupDriver},
	} {
		if f.a != f.b {
			out = append(out, fmt.Sprintf("%s: %s → %s", f.name, f.a, f.b))
		}
	}
	return out
}

func compareLimits(was, now []Limit) []string {
	key := func(l Limit) string { return l.Limit + " (" + l.File + ")" }
	var out []string
	old := map[string]string{}
	for _, l := range was {
		old[key(l)] = l.Requested
	}
	seen := map[string]bool{}
	for _, l := range now {
		k := key(l)
		seen[k] = true
		req, ok := old[k]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("limit %s: none → %s", k, l.Requested))
		case req != l.Requested:
			out = append(out, fmt.Sprintf("limit %s: %s → %s", k, req, l.Requested))
		}
	}
	for _, l := range was {
		if k := key(l); !seen[k] {
			out = append(out, fmt.Sprintf("limit %s: %s → none", k, l.Requested))
		}
	}
	return out
}

// short is a digest cut to 12 hex digits, its "sha256:" kept.
func short(d string) string {
	hex := strings.TrimPrefix(d, "sha256:")
	if len(hex) > 12 {
		hex = hex[:12]
	}
	if d == "" {
		return "(none)"
	}
	return strings.TrimSuffix(d, strings.TrimPrefix(d, "sha256:")) + hex
}
