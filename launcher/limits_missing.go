package launcher

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hclsandbox/sandbox/launcher/cgroups"
)

// missingError is why a sandbox whose required limits the host cannot
// enforce does not start: each limit by name, and what would let it run.
// Without root, the reason is the host's (cgroups.CgroupConfig.Unusable).
func missingError(c *cgroups.CgroupConfig) error {
	if c.Unusable == "" {
		return fmt.Errorf("cgroup controller %s missing on this host; list the limits in limits { optional = [...] } or set limits { strict = false } to run without them",
			strings.Join(c.Missing, ", "))
	}
	names := missingLimits(c.Missing)
	return fmt.Errorf("%s cannot be enforced: %s; run it as root, on a cgroup v2 host with a subtree delegated to you, or mark them optional: limits { optional = [%s] }",
		strings.Join(names, ", "), c.Unusable, quoteOptional(names))
}

// missingLimits are the limit attributes of Missing entries such as
// "memory (limits.memory)", each once, in order: "limits.memory".
func missingLimits(missing []string) []string {
	var out []string
	for _, m := range missing {
		_, limit, ok := strings.Cut(m, " (")
		limit = strings.TrimSuffix(limit, ")")
		if ok && !slices.Contains(out, limit) {
			out = append(out, limit)
		}
	}
	return out
}

// quoteOptional writes limit attributes as optional takes them:
// "memory", "pids".
func quoteOptional(limits []string) string {
	q := make([]string, 0, len(limits))
	for _, l := range limits {
		if name, ok := strings.CutPrefix(l, "limits."); ok {
			q = append(q, fmt.Sprintf("%q", name))
		}
	}
	return strings.Join(q, ", ")
}
