package launcher

import (
	"path"
	"slices"

	"github.com/hclsandbox/sandbox/isolation"
)

// WritablePaths are the host paths the sandbox can write, as its plan
// mounts them: the sources of its writable binds and its persistent
// rootfs's state directory. Everything else it sees of the host is
// read-only, or a copy (an overlay's upper layer on a tmpfs).
func (p *Plan) WritablePaths() []string {
	var out []string
	if p.Spec.Root.StateDir != "" {
		out = append(out, p.Spec.Root.StateDir)
	}
	for _, m := range p.Spec.Mounts {
		// The standard device nodes are bound from the host; writing
		// them writes no file.
		device := path.Dir(m.Target) == "/dev" && m.Source == m.Target && slices.Contains(devNodes, path.Base(m.Source))
		if m.Kind == isolation.KindBind && m.Source != "" && !m.HasFlag("ro") && !device {
			out = append(out, m.Source)
		}
	}
	return out
}
