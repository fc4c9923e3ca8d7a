package config

import (
	"fmt"
	"path"
	"path/filepath"
	"sort"

	"github.com/hashicorp/hcl/v2"
)

// decodeSandbox decodes one sandbox block. The sandbox is returned even
// when there are errors, so that duplicate names are still found.
// read reads its env_file files.
func decodeSandbox(block *hcl.Block, filename, dir string, read func(string) ([]byte, error), ctx *hcl.EvalContext) (*Sandbox, hcl.Diagnostics) {
	s := &Sandbox{
		Name:       block.Labels[0],
		File:       filename,
		Dir:        dir,
		DeclRange:  block.DefRange,
		Ranges:     map[string]hcl.Range{},
		Namespaces: append([]string(nil), Namespaces...),
	}
	s.Base = s.Name
	var diags hcl.Diagnostics
	if !validName.match(s.Name) {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid sandbox name",
			Detail: fmt.Sprintf("%q is not a valid sandbox name: use 1 to 63 letters, digits, '_', '.' or '-', starting with a letter or digit.",
				s.Name),
			Subject: block.LabelRanges[0].Ptr(),
		})
	}
	content, d := block.Body.Content(sandboxSchema)
	diags = append(diags, d...)
	for name, attr := range content.Attributes {
		s.Ranges[name] = attr.Expr.Range()
	}
	diags = append(diags, decodeAttrs(s, content.Attributes, read, ctx)...)
	diags = append(diags, decodeResources(s, content, ctx)...)
	diags = append(diags, decodeStorage(s, content, ctx)...)
	diags = append(diags, decodeSecurity(s, content, ctx)...)
	diags = append(diags, decodeIDMaps(s, content.Attributes, ctx)...)
	diags = append(diags, decodeStop(s, content.Attributes, ctx)...)
	diags = append(diags, decodeDepends(s, content.Attributes, ctx)...)
	diags = append(diags, decodeLifecycle(s, content.Attributes, ctx)...)
	diags = append(diags, decodeRestart(s, content.Attributes, ctx)...)
	diags = append(diags, decodeHealth(s, content.Blocks.OfType("health"), ctx)...)
	diags = append(diags, decodeWatch(s, content.Blocks.OfType("watch"), ctx)...)
	diags = append(diags, decodeClockOffsets(s, content.Blocks.OfType("clock_offsets"), ctx)...)
	diags = append(diags, decodeNetworking(s, content.Attributes, ctx)...)
	diags = append(diags, decodeExpect(s, content.Blocks.OfType("expect"), ctx)...)
	diags = append(diags, checkCommandSet(s, block, content)...)
	sortDiags(diags)
	return s, diags
}

// decodeAttrs fills s from the attributes of its block and validates each.
func decodeAttrs(s *Sandbox, attrs hcl.Attributes, read func(string) ([]byte, error), ctx *hcl.EvalContext) hcl.Diagnostics {
	var diags hcl.Diagnostics
	if a, ok := attrs["command"]; ok {
		v, d := stringList(a, ctx)
		diags = append(diags, append(d, checkCommand(v, a)...)...)
		s.Command = v
	}
	if a, ok := attrs["env"]; ok {
		v, d := stringMap(a, ctx)
		diags = append(diags, append(d, checkEnv(v, a)...)...)
		s.Env = v
	}
	if a, ok := attrs["env_file"]; ok {
		diags = append(diags, decodeEnvFiles(s, a, read, ctx)...)
	}
	if a, ok := attrs["workdir"]; ok {
		v, ok, d := stringValue(a, ctx)
		diags = append(diags, d...)
		if ok {
			diags = append(diags, checkWorkdir(v, a)...)
		}
		if path.IsAbs(v) {
			v = path.Clean(v) // "/app/" and "/app/./src" are what getcwd says back
		}
		s.Workdir = v
	}
	if a, ok := attrs["hostname"]; ok {
		v, ok, d := stringValue(a, ctx)
		diags = append(diags, d...)
		if ok {
			diags = append(diags, checkHostname(v, a)...)
		}
		s.Hostname = v
	}
	if a, ok := attrs["namespaces"]; ok {
		v, d := stringList(a, ctx)
		diags = append(diags, append(d, checkNamespaces(v, a)...)...)
		if !d.HasErrors() {
			s.Namespaces = v
		}
	}
	return diags
}

// checkCommandSet requires command unless the image gives one.
func checkCommandSet(s *Sandbox, block *hcl.Block, content *hcl.BodyContent) hcl.Diagnostics {
	if _, ok := content.Attributes["command"]; ok || s.Image != nil {
		return nil
	}
	if _, ok := content.Attributes["image"]; ok {
		return nil // an invalid image was reported
	}
	r := block.Body.MissingItemRange()
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Missing required argument",
		Detail:   `The argument "command" is required, but no definition was found.`,
		Subject:  &r,
	}}
}

// resolvePath makes p absolute against dir; "" stays "".
func resolvePath(dir, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(dir, p)
}

// sortDiags puts diagnostics of one block in source order; those without a
// range keep their place at the front.
func sortDiags(diags hcl.Diagnostics) {
	sort.SliceStable(diags, func(i, j int) bool {
		a, b := diags[i].Subject, diags[j].Subject
		if a == nil || b == nil {
			return a == nil && b != nil
		}
		return a.Start.Byte < b.Start.Byte
	})
}
