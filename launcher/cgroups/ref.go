package cgroups

import "path/filepath"

// CgroupRef names a sandbox's cgroup in a form that outlives the launcher
// that made it: a state record keeps it so that another command can read
// the cgroup's figures, kill what is left in it and remove it.
type CgroupRef struct {
	Version     int      `json:"version"`
	Root        string   `json:"root"`
	Controllers []string `json:"controllers"`
	// Leaf is the path below each hierarchy's root, "sandbox/web-1a2b3c4d".
	Leaf string `json:"leaf"`
}

// Dirs are the cgroup's directories on the host.
func (r CgroupRef) Dirs() []string {
	if r.Version == 2 {
		return []string{filepath.Join(r.Root, r.Leaf)}
	}
	var out []string
	for _, ctrl := range r.Controllers {
		out = append(out, filepath.Join(r.Root, ctrl, r.Leaf))
	}
	return out
}
