package launcher

import (
	"strings"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/isolation"
)

// userMounts turns the sandbox's mount blocks into mount steps, after the
// system mounts so that a mount on /tmp replaces the default one.
func userMounts(mounts []config.Mount) []isolation.Mount {
	out := make([]isolation.Mount, 0, len(mounts))
	for _, m := range mounts {
		im := isolation.Mount{Source: m.Source, Target: m.Target, Optional: m.Optional}
		var data []string
		for _, o := range m.Options {
			if strings.Contains(o, "=") {
				data = append(data, o)
			} else {
				im.Flags = append(im.Flags, o)
			}
		}
		if m.Readonly {
			im.Flags = append([]string{"ro"}, im.Flags...)
		}
		im.Data = strings.Join(data, ",")
		switch m.Type {
		case "bind":
			im.Kind = isolation.KindBind
		case "tmpfs":
			im.Kind, im.FSType = isolation.KindFS, "tmpfs"
		case "overlay":
			im.Kind = isolation.KindOverlay
		}
		out = append(out, im)
	}
	return out
}
