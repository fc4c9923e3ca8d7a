package launcher

import (
	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/isolation"
)

// planRoot turns the sandbox's rootfs and mode into the root the child
// builds. dir is the rootfs directory: the configured one, or the cache
// entry of a tarball. Ephemeral is the default, so that nothing a sandbox
// does can change its rootfs.
func planRoot(s *config.Sandbox, dir string) isolation.Root {
	switch s.RootfsOptions.Mode {
	case config.RootfsReadonly:
		return isolation.Root{Source: dir, Readonly: true}
	case config.RootfsPersistent:
		return isolation.Root{Source: dir, Overlay: true, StateDir: s.RootfsOptions.StateDir}
	}
	return isolation.Root{Source: dir, Overlay: true}
}

// WithRootfs returns a copy of p whose root filesystem is dir, the
// directory that PrepareRootfs returned.
func (p *Plan) WithRootfs(dir string) *Plan {
	q := *p
	if q.Spec.Root.Source != "" {
		q.Spec.Root.Source = dir
	}
	return &q
}
