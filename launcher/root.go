package launcher

import (
	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/isolation"
)

// planRoot turns the sandbox's rootfs and mode into the root the child
// builds. dir is the rootfs directory: the configured one, or the cache
// entry of a tarball. Ephemeral is the default, so that nothing a sandbox
// does can change its rootfs.
//
// The root is nodev, and nosuid unless the sandbox lets setuid programs
// gain privileges (no_new_privileges = false), which is what that setting
// is for. Its directory and state directory are not followed through a
// symlink below the configuration's directory.
func planRoot(s *config.Sandbox, dir string) isolation.Root {
	r := isolation.Root{Source: dir, Beneath: beneath(s.Dir, dir), Flags: rootFlags(s)}
	switch s.RootfsOptions.Mode {
	case config.RootfsReadonly:
		r.Readonly = true
	case config.RootfsPersistent:
		r.Overlay, r.StateDir = true, s.RootfsOptions.StateDir
		r.StateBeneath = beneath(s.Dir, r.StateDir)
	default:
		r.Overlay = true
	}
	return r
}

// rootFlags are the root mount's flags.
func rootFlags(s *config.Sandbox) []string {
	if s.Security.AllowNewPrivileges {
		return []string{"nodev"}
	}
	return []string{"nosuid", "nodev"}
}

// WithRootfs returns a copy of p whose root filesystem is dir, the
// directory that PrepareRootfs returned: the configured one, or the cache
// entry of a tarball, which the launcher made itself and trusts whole.
func (p *Plan) WithRootfs(dir string) *Plan {
	q := *p
	if q.Spec.Root.Source != "" && q.Spec.Root.Source != dir {
		q.Spec.Root.Source, q.Spec.Root.Beneath = dir, ""
		// One tree now: an image's layers flattened into it, for one.
		q.Spec.Root.Lower, q.Spec.Root.UserXattr = nil, false
	}
	return &q
}
