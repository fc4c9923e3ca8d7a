package config

import (
	"fmt"
	"path"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// MountTypes lists the valid values of a mount block's type.
var MountTypes = []string{"bind", "tmpfs", "overlay"}

// Mount is one mount block: something placed at Target inside the sandbox.
type Mount struct {
	// Type is one of MountTypes.
	Type string
	// Source is the absolute host path of a bind, or of an overlay's lower
	// directory; "" for tmpfs.
	Source string
	// Target is the absolute, clean path inside the sandbox.
	Target string
	// Readonly makes the mount read-only.
	Readonly bool
	// Options are flags (noexec; dev and suid, which lift the nodev and
	// nosuid that every mount gets otherwise) and, for tmpfs and overlay,
	// size=N and mode=OCTAL. nosuid and nodev are accepted and change
	// nothing.
	Options []string
	// Optional skips the mount when its source does not exist.
	Optional bool
	// DeclRange is the range of the block header.
	DeclRange hcl.Range
	// SourceRange is the range of the source value; DeclRange without one.
	SourceRange hcl.Range
}

var mountSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "type", Required: true},
		{Name: "source"},
		{Name: "target", Required: true},
		{Name: "readonly"},
		{Name: "options"},
		{Name: "optional"},
	},
}

var (
	mountFlagOptions = []string{"nosuid", "nodev", "noexec", "dev", "suid"}
	// contraryOptions are the pairs of options that cancel each other.
	contraryOptions = [][2]string{{"dev", "nodev"}, {"suid", "nosuid"}}
	// kernelFS are the trees the sandbox makes itself: a mount there could
	// hide a masked path, expose a writable kernel knob or replace the
	// null device that masks are made of.
	kernelFS = []string{"/proc", "/sys", "/dev"}
)

// decodeMount decodes and validates one mount block.
func decodeMount(dir string, b *hcl.Block, ctx *hcl.EvalContext) (*Mount, hcl.Diagnostics) {
	content, diags := b.Body.Content(mountSchema)
	m := &Mount{DeclRange: b.DefRange, SourceRange: b.DefRange}
	for _, a := range sortedAttrs(content.Attributes) {
		diags = append(diags, decodeMountAttr(m, dir, a, ctx)...)
	}
	if diags.HasErrors() {
		return nil, diags
	}
	if m.Type == "" {
		return m, diags // an unknown type (see attrValue): nothing to check it against
	}
	src, hasSrc := content.Attributes["source"]
	switch {
	case m.Type != "tmpfs" && !hasSrc:
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Missing source",
			Detail: fmt.Sprintf("A %s mount needs a source directory on the host.", m.Type), Subject: b.DefRange.Ptr()})
	case m.Type == "tmpfs" && hasSrc:
		diags = append(diags, invalid(src, "Unexpected source", "A tmpfs mount has no source; leave it out.")...)
	}
	if o := content.Attributes["options"]; o != nil {
		diags = append(diags, checkMountOptions(m, o)...)
	}
	return m, diags
}

// decodeMountAttr decodes one attribute of a mount block into m.
func decodeMountAttr(m *Mount, dir string, a *hcl.Attribute, ctx *hcl.EvalContext) hcl.Diagnostics {
	var d hcl.Diagnostics
	switch a.Name {
	case "type":
		var ok bool
		m.Type, ok, d = stringValue(a, ctx)
		if ok && !contains(MountTypes, m.Type) {
			d = invalid(a, "Invalid mount type", "%q is not a mount type.%s Valid types: bind, tmpfs, overlay.", m.Type, didYouMean(m.Type, MountTypes))
		}
	case "source":
		v, ok, sd := stringValue(a, ctx)
		if d = sd; ok {
			d = checkNotEmpty(v, a)
		}
		m.Source, m.SourceRange = resolvePath(dir, v), a.Expr.Range()
	case "target":
		var ok bool
		m.Target, ok, d = stringValue(a, ctx)
		if ok {
			d = checkMountTarget(m.Target, a)
			m.Target = path.Clean(m.Target)
		}
	case "readonly":
		m.Readonly, d = boolValue(a, ctx)
	case "optional":
		m.Optional, d = boolValue(a, ctx)
	case "options":
		m.Options, d = stringList(a, ctx)
	}
	return d
}

// checkMountTarget refuses relative targets, "/" and anything on or under
// a kernel filesystem.
func checkMountTarget(target string, a *hcl.Attribute) hcl.Diagnostics {
	if !path.IsAbs(target) || strings.ContainsRune(target, 0) {
		return invalid(a, "Invalid mount target", "The target %q must be an absolute path inside the sandbox, such as \"/data\".", target)
	}
	clean := path.Clean(target)
	if clean == "/" {
		return invalid(a, "Invalid mount target", "A mount cannot replace the root; set rootfs instead.")
	}
	for _, k := range kernelFS {
		if clean == k || strings.HasPrefix(clean, k+"/") {
			hint := ""
			if k == "/dev" {
				hint = " For the size of /dev/shm, set shm_size."
			}
			return invalid(a, "Mount on a kernel filesystem",
				"The target %q is on or under %s, which the sandbox sets up itself and protects; choose another target.%s", target, k, hint)
		}
	}
	return nil
}

// checkMountOptions validates the options against the mount's type.
func checkMountOptions(m *Mount, a *hcl.Attribute) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, o := range m.Options {
		switch {
		case contains(mountFlagOptions, o):
		case isTmpfsSizeOption(o) || isTmpfsModeOption(o):
			if m.Type == "bind" {
				diags = append(diags, invalid(a, "Invalid mount option", "The option %q applies to tmpfs and overlay mounts, not to a bind.", o)...)
			}
		default:
			diags = append(diags, invalid(a, "Invalid mount option",
				"%q is not a mount option. Valid options: noexec, dev, suid, size=N[k|m|g], mode=OCTAL.", o)...)
		}
	}
	for _, pair := range contraryOptions {
		if contains(m.Options, pair[0]) && contains(m.Options, pair[1]) {
			diags = append(diags, invalid(a, "Contrary mount options", "The options %q and %q cancel each other; keep one.", pair[0], pair[1])...)
		}
	}
	return diags
}

// boolValue decodes a bool attribute; null is false.
func boolValue(a *hcl.Attribute, ctx *hcl.EvalContext) (bool, hcl.Diagnostics) {
	v, diags := attrValue(a, ctx, cty.Bool, "a bool")
	if diags.HasErrors() || v.IsNull() {
		return false, diags
	}
	return v.True(), nil
}
