package config

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
)

// Rootfs modes: how a sandbox sees its root filesystem.
const (
	// RootfsEphemeral is an overlay whose upper layer is a tmpfs: the sandbox
	// can write anywhere, and every write is gone when it ends.
	RootfsEphemeral = "ephemeral"
	// RootfsReadonly binds the root filesystem read-only.
	RootfsReadonly = "readonly"
	// RootfsPersistent is an overlay whose upper layer is StateDir, kept
	// across runs.
	RootfsPersistent = "persistent"
)

// RootfsModes lists the valid values of the rootfs mode attribute.
var RootfsModes = []string{RootfsEphemeral, RootfsReadonly, RootfsPersistent}

// What unpacking a tarball rootfs does with the archive's device nodes.
const (
	// DevicesSkip leaves them out and counts them: the default.
	DevicesSkip = "skip"
	// DevicesRefuse fails the unpack at the first one.
	DevicesRefuse = "refuse"
	// DevicesKeep makes them, as root only, for a faithful copy of the
	// archive. Every mount but the sandbox's own /dev is nodev and the
	// cgroup's device allowlist holds only the standard nodes, so a kept
	// node still cannot be opened inside.
	DevicesKeep = "keep"
)

// DeviceRules lists the valid values of the rootfs devices attribute.
var DeviceRules = []string{DevicesSkip, DevicesRefuse, DevicesKeep}

// LockFileName is the lock file that `sandbox lock` writes next to the
// configuration files; loading a directory skips it.
const LockFileName = "sandbox.lock.hcl"

// RootfsOptions is the long form of rootfs beyond its source path.
type RootfsOptions struct {
	// SHA256 pins the rootfs: the file digest of a tarball or the tree digest
	// of a directory, as 64 lowercase hex digits; "" means not pinned.
	SHA256 string
	// Mode is one of RootfsModes; it is RootfsEphemeral unless set.
	Mode string
	// StateDir is the absolute directory that holds a persistent rootfs's
	// writes; set only with RootfsPersistent.
	StateDir string
	// Devices is one of DeviceRules: what unpacking a tarball does with its
	// device nodes. It is DevicesSkip unless set.
	Devices string
}

// rootfsSchema is the body of the long-form rootfs block.
var rootfsSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "source", Required: true},
		{Name: "sha256"},
		{Name: "mode"},
		{Name: "state_dir"},
		{Name: "devices"},
	},
}

// decodeStorage decodes the rootfs (attribute or block) and the mount blocks
// of a sandbox.
func decodeStorage(s *Sandbox, content *hcl.BodyContent, ctx *hcl.EvalContext) hcl.Diagnostics {
	diags := decodeRootfs(s, content, ctx)
	diags = append(diags, decodeImage(s, content, ctx)...)
	for _, b := range content.Blocks.OfType("mount") {
		m, d := decodeMount(s.Dir, b, ctx)
		diags = append(diags, d...)
		if m != nil {
			s.Mounts = append(s.Mounts, *m)
		}
	}
	sortDiags(diags)
	return diags
}

// decodeRootfs decodes the short form `rootfs = "path"` or the long form
// `rootfs { ... }`; at most one of them may be given.
func decodeRootfs(s *Sandbox, content *hcl.BodyContent, ctx *hcl.EvalContext) hcl.Diagnostics {
	s.RootfsOptions.Mode = RootfsEphemeral
	s.RootfsOptions.Devices = DevicesSkip
	blocks := content.Blocks.OfType("rootfs")
	a, short := content.Attributes["rootfs"]
	if short {
		v, ok, d := stringValue(a, ctx)
		s.Rootfs = resolvePath(s.Dir, v)
		if ok {
			d = append(d, checkNotEmpty(v, a)...)
			d = append(d, checkRootfs(s.Rootfs, a)...)
		}
		if len(blocks) > 0 {
			d = append(d, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Duplicate rootfs",
				Detail:   fmt.Sprintf("The rootfs is already set at line %d; use either the attribute or the block.", a.Range.Start.Line),
				Subject:  blocks[0].DefRange.Ptr(),
			})
		}
		return d
	}
	if len(blocks) == 0 {
		return nil
	}
	s.Ranges["rootfs"] = blocks[0].DefRange
	return append(onlyOne(blocks), decodeRootfsBlock(s, blocks[0], ctx)...)
}

// decodeRootfsBlock decodes the long form of rootfs.
func decodeRootfsBlock(s *Sandbox, b *hcl.Block, ctx *hcl.EvalContext) hcl.Diagnostics {
	content, diags := b.Body.Content(rootfsSchema)
	attrs := content.Attributes
	for name, a := range attrs {
		s.Ranges["rootfs."+name] = a.Expr.Range()
	}
	if a, ok := attrs["source"]; ok {
		v, ok, d := stringValue(a, ctx)
		diags = append(diags, d...)
		s.Rootfs = resolvePath(s.Dir, v)
		if ok {
			diags = append(diags, checkNotEmpty(v, a)...)
			diags = append(diags, checkRootfs(s.Rootfs, a)...)
		}
		s.Ranges["rootfs"] = a.Expr.Range()
	}
	if a, ok := attrs["sha256"]; ok {
		v, ok, d := stringValue(a, ctx)
		if ok && !isSHA256(v) {
			d = invalid(a, "Invalid sha256", "%q is not a sha256 digest: give 64 lowercase hexadecimal digits, as `sandbox lock` prints them.", v)
		}
		diags = append(diags, d...)
		s.RootfsOptions.SHA256 = v
	}
	if a, ok := attrs["mode"]; ok {
		v, ok, d := stringValue(a, ctx)
		if ok && !contains(RootfsModes, v) {
			d = invalid(a, "Invalid rootfs mode", "%q is not a rootfs mode.%s Valid modes: ephemeral, readonly, persistent.", v, didYouMean(v, RootfsModes))
		}
		diags = append(diags, d...)
		if !d.HasErrors() {
			s.RootfsOptions.Mode = v
		}
	}
	if a, ok := attrs["devices"]; ok {
		v, ok, d := stringValue(a, ctx)
		if ok && !contains(DeviceRules, v) {
			d = invalid(a, "Invalid devices rule", "%q is not a rule for the device nodes of a tarball.%s Valid rules: skip, refuse, keep.", v, didYouMean(v, DeviceRules))
		}
		diags = append(diags, d...)
		if !d.HasErrors() {
			s.RootfsOptions.Devices = v
		}
	}
	return append(diags, decodeStateDir(s, b, attrs, ctx)...)
}

// decodeStateDir decodes state_dir, which a persistent rootfs needs and no
// other mode takes.
func decodeStateDir(s *Sandbox, b *hcl.Block, attrs hcl.Attributes, ctx *hcl.EvalContext) hcl.Diagnostics {
	a, ok := attrs["state_dir"]
	persistent := s.RootfsOptions.Mode == RootfsPersistent
	switch {
	case !ok && persistent:
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Missing state_dir",
			Detail:   "A persistent rootfs keeps its writes in state_dir: set state_dir = \"./state\" or similar.",
			Subject:  b.DefRange.Ptr(),
		}}
	case !ok:
		return nil
	case !persistent:
		return invalid(a, "Unexpected state_dir", "state_dir is used only with mode = \"persistent\".")
	}
	v, ok, d := stringValue(a, ctx)
	s.RootfsOptions.StateDir = resolvePath(s.Dir, v)
	if !ok {
		return d
	}
	return checkNotEmpty(v, a)
}
