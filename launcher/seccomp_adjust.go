package launcher

import (
	"sort"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// adjustSeccompRules applies a sandbox's deny and allow lists to profile
// rules: OCI rules are a set, not an ordered list, so a denied syscall is
// removed from every rule (the default action refuses it) and an allowed
// one from every rule that refuses it, then allowed on its own.
func adjustSeccompRules(rules []specs.LinuxSyscall, allow, deny []string) []specs.LinuxSyscall {
	drop := map[string]bool{}
	for _, n := range deny {
		drop[n] = true
	}
	allowed := map[string]bool{}
	for _, n := range allow {
		if !drop[n] {
			allowed[n] = true
		}
	}
	var out []specs.LinuxSyscall
	for _, r := range rules {
		var names []string
		for _, n := range r.Names {
			if drop[n] || allowed[n] && r.Action != specs.ActAllow {
				continue
			}
			names = append(names, n)
		}
		if len(names) > 0 {
			r.Names = names
			out = append(out, r)
		}
	}
	if len(allowed) > 0 {
		names := make([]string, 0, len(allowed))
		for n := range allowed {
			names = append(names, n)
		}
		sort.Strings(names)
		out = append(out, specs.LinuxSyscall{Names: names, Action: specs.ActAllow})
	}
	return out
}
