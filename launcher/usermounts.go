package launcher

import (
	"slices"
	"strings"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/isolation"
)

// userMounts turns the sandbox's mount blocks into mount steps, after the
// system mounts so that a mount on /tmp replaces the default one. Every
// one is nodev and nosuid unless its options say dev or suid, and its
// source is not followed through a symlink below the configuration's
// directory.
func userMounts(s *config.Sandbox) []isolation.Mount {
	out := make([]isolation.Mount, 0, len(s.Mounts))
	for _, m := range s.Mounts {
		im := isolation.Mount{Source: m.Source, Target: m.Target, Optional: m.Optional}
		if m.Source != "" {
			im.Beneath = beneath(s.Dir, m.Source)
		}
		var data []string
		for _, o := range m.Options {
			if strings.Contains(o, "=") {
				data = append(data, o)
			}
		}
		im.Flags = mountFlags(m)
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

// mountFlags are the flags of a configured mount: ro when read-only,
// nosuid and nodev unless lifted by suid and dev, and noexec when asked.
func mountFlags(m config.Mount) []string {
	var out []string
	if m.Readonly {
		out = append(out, "ro")
	}
	if !slices.Contains(m.Options, "suid") {
		out = append(out, "nosuid")
	}
	if !slices.Contains(m.Options, "dev") {
		out = append(out, "nodev")
	}
	if slices.Contains(m.Options, "noexec") {
		out = append(out, "noexec")
	}
	return out
}
