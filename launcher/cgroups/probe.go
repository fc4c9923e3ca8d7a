package cgroups

import (
	"os"
	"path/filepath"
	"strings"
)

// ProbeCgroups finds the host's cgroup layout under root (normally
// /sys/fs/cgroup). A unified (v2) tree at root wins; otherwise the v1
// hierarchies mounted under it; otherwise a v2 tree at root/unified, the
// hybrid layout, but only when it has controllers.
func ProbeCgroups(root string) CgroupHost {
	if ctrls, ok := v2Available(root); ok {
		return CgroupHost{Version: 2, Root: root, Controllers: ctrls}
	}
	var v1 []string
	for _, c := range v1Hierarchies {
		if _, err := os.Stat(filepath.Join(root, c, "cgroup.procs")); err == nil {
			v1 = append(v1, c)
		}
	}
	if len(v1) > 0 {
		return CgroupHost{Version: 1, Root: root, Controllers: v1}
	}
	unified := filepath.Join(root, "unified")
	if ctrls, ok := v2Available(unified); ok && len(ctrls) > 0 {
		return CgroupHost{Version: 2, Root: unified, Controllers: ctrls}
	}
	return CgroupHost{}
}

// v2Available reads dir/cgroup.controllers.
func v2Available(dir string) ([]string, bool) {
	b, err := os.ReadFile(filepath.Join(dir, "cgroup.controllers"))
	if err != nil {
		return nil, false
	}
	return strings.Fields(string(b)), true
}

// Controllers are the controllers that the cgroup v2 directory dir may
// enable for its children (its cgroup.controllers), nil when unreadable.
func Controllers(dir string) []string {
	ctrls, _ := v2Available(dir)
	return ctrls
}
