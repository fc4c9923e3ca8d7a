package config

import (
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Expect is a sandbox's expect block: what `sandbox test` checks once the
// sandbox has ended. A field left out is not checked.
type Expect struct {
	// ExitCode is the exit code the sandbox must end with, or nil.
	ExitCode *int
	// OOM, when set, says whether the OOM killer must (true) or must not
	// (false) have killed a process of the sandbox.
	OOM *bool
	// MaxPeakMemory is the highest peak memory allowed, in bytes; 0: none.
	MaxPeakMemory uint64
	// MaxDuration is the longest wall time allowed; 0: none.
	MaxDuration time.Duration
	// Stdout and Stderr check the sandbox's output streams, or are nil.
	Stdout, Stderr *OutputExpect
	// Files check files the sandbox leaves on the host, in source order.
	Files []FileExpect
	// DeclRange is the range of the expect block's header.
	DeclRange hcl.Range
}

// OutputExpect checks one output stream.
type OutputExpect struct {
	// Matches are regular expressions (RE2, with ^ and $ at line
	// boundaries) that must each match somewhere in the stream.
	Matches []string
	// Golden is the absolute path of a file the stream must equal; "" for
	// none. It lies inside the configuration file's directory.
	Golden string
}

// FileExpect checks one file the sandbox wrote where the host keeps it.
type FileExpect struct {
	// Path is the absolute path inside the sandbox, the block's label.
	Path string
	// Rel is the file's path, relative and slash-separated, beneath Root:
	// the host directory that holds it once the sandbox has ended, a bind
	// mount's source or a persistent rootfs's upper layer. With the
	// latter, Lower is the rootfs itself, read when the upper layer has no
	// copy; else "".
	Root, Rel, Lower string
	// SHA256 is the hex digest the file must have; "" for none.
	SHA256 string
	// Golden is the absolute path of a file it must equal; "" for none.
	Golden string
}

var expectSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "exit_code"},
		{Name: "oom"},
		{Name: "max_peak_memory"},
		{Name: "max_duration"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "stdout"}, {Type: "stderr"}, {Type: "file", LabelNames: []string{"path"}}},
}

var outputExpectSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "matches"}, {Name: "golden"}},
}

var fileExpectSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "sha256"}, {Name: "golden"}},
}

// decodeExpect decodes the sandbox's expect block, if any. It runs after
// the mounts and the rootfs are decoded: a file check is placed on them.
func decodeExpect(s *Sandbox, blocks hcl.Blocks, ctx *hcl.EvalContext) hcl.Diagnostics {
	if len(blocks) == 0 {
		return nil
	}
	diags := onlyOne(blocks)
	content, d := blocks[0].Body.Content(expectSchema)
	diags = append(diags, d...)
	e := &Expect{DeclRange: blocks[0].DefRange}
	diags = append(diags, decodeExpectAttrs(e, content.Attributes, ctx)...)
	for _, kind := range []string{"stdout", "stderr"} {
		bs := content.Blocks.OfType(kind)
		if len(bs) == 0 {
			continue
		}
		diags = append(diags, onlyOne(bs)...)
		o, d := decodeOutputExpect(s.Dir, bs[0], ctx)
		diags = append(diags, d...)
		if kind == "stdout" {
			e.Stdout = o
		} else {
			e.Stderr = o
		}
	}
	for _, b := range content.Blocks.OfType("file") {
		f, d := decodeFileExpect(s, b, ctx)
		diags = append(diags, d...)
		if f != nil {
			e.Files = append(e.Files, *f)
		}
	}
	s.Expect = e
	return diags
}

// decodeExpectAttrs reads exit_code, oom, max_peak_memory and max_duration.
func decodeExpectAttrs(e *Expect, attrs hcl.Attributes, ctx *hcl.EvalContext) hcl.Diagnostics {
	var diags hcl.Diagnostics
	if a, ok := attrs["exit_code"]; ok {
		n, d := wholeNumber(a, ctx, 0, 255)
		diags = append(diags, d...)
		code := int(n)
		e.ExitCode = &code
	}
	if a, ok := attrs["oom"]; ok {
		v, d := attrValue(a, ctx, cty.Bool, "a bool")
		diags = append(diags, d...)
		if !d.HasErrors() && !v.IsNull() {
			b := v.True()
			e.OOM = &b
		}
	}
	if a, ok := attrs["max_peak_memory"]; ok {
		n, d := DecodeSize(a, ctx)
		if !d.HasErrors() && n == 0 {
			d = invalid(a, "Value out of range", "max_peak_memory must be more than zero bytes, such as \"64MiB\".")
		}
		diags = append(diags, d...)
		e.MaxPeakMemory = n
	}
	if a, ok := attrs["max_duration"]; ok {
		t, d := durationAttr(a, ctx)
		diags = append(diags, d...)
		e.MaxDuration = t
	}
	return diags
}

// decodeOutputExpect decodes a stdout or stderr block.
func decodeOutputExpect(dir string, b *hcl.Block, ctx *hcl.EvalContext) (*OutputExpect, hcl.Diagnostics) {
	content, diags := b.Body.Content(outputExpectSchema)
	o := &OutputExpect{}
	if a, ok := content.Attributes["matches"]; ok {
		v, d := stringOrList(a, ctx)
		diags = append(diags, d...)
		for _, re := range v {
			if _, err := regexp.Compile(re); err != nil {
				diags = append(diags, invalid(a, "Invalid regular expression", "%q is not a regular expression (RE2 syntax): %v.", re, strings.TrimPrefix(err.Error(), "error parsing regexp: "))...)
			}
		}
		o.Matches = v
	}
	if a, ok := content.Attributes["golden"]; ok {
		p, d := goldenAttr(dir, a, ctx)
		diags = append(diags, d...)
		o.Golden = p
	}
	if o.Matches == nil && o.Golden == "" && !diags.HasErrors() {
		r := b.DefRange
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Nothing to check",
			Detail: "A " + b.Type + " block needs matches, golden or both.", Subject: &r})
	}
	return o, diags
}

// goldenAttr decodes a golden file's path: relative to dir, and inside it,
// since `sandbox test --update` writes there.
func goldenAttr(dir string, a *hcl.Attribute, ctx *hcl.EvalContext) (string, hcl.Diagnostics) {
	v, ok, diags := stringValue(a, ctx)
	if !ok || diags.HasErrors() {
		return "", diags
	}
	if v == "" {
		return "", invalid(a, "Empty path", "golden needs the path of a file, such as \"testdata/hello.out\".")
	}
	p := resolvePath(dir, v)
	if rel, err := filepath.Rel(dir, p); err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", invalid(a, "Golden file outside the configuration's directory",
			"%q leads out of the directory of the file that names it: a golden file lies in that directory or below, since sandbox test --update writes it.", v)
	}
	return p, nil
}

// decodeFileExpect decodes a file block and finds where the host keeps
// the file once the sandbox has ended.
func decodeFileExpect(s *Sandbox, b *hcl.Block, ctx *hcl.EvalContext) (*FileExpect, hcl.Diagnostics) {
	content, diags := b.Body.Content(fileExpectSchema)
	f := &FileExpect{Path: b.Labels[0]}
	label := b.LabelRanges[0]
	if !filepath.IsAbs(f.Path) || filepath.Clean(f.Path) != f.Path || f.Path == "/" {
		return nil, append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid file path",
			Detail: "A file to check is named by its clean absolute path inside the sandbox, such as \"/out/report.txt\".", Subject: &label})
	}
	if a, ok := content.Attributes["sha256"]; ok {
		v, ok, d := stringValue(a, ctx)
		if ok && !isSHA256(v) {
			d = invalid(a, "Invalid sha256", "%q is not a sha256 digest: give 64 lowercase hexadecimal digits, as sha256sum prints them.", v)
		}
		diags = append(diags, d...)
		f.SHA256 = v
	}
	if a, ok := content.Attributes["golden"]; ok {
		p, d := goldenAttr(s.Dir, a, ctx)
		diags = append(diags, d...)
		f.Golden = p
	}
	if f.SHA256 == "" && f.Golden == "" && !diags.HasErrors() {
		r := b.DefRange
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Nothing to check",
			Detail: "A file block needs sha256 or golden.", Subject: &r})
	}
	var why string
	f.Root, f.Rel, f.Lower, why = s.keptPath(f.Path)
	if why != "" {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "File not kept after the sandbox ends",
			Detail: f.Path + " " + why + "; check a file under a bind mount, or in a rootfs with mode = \"persistent\".", Subject: &label})
	}
	return f, diags
}

// keptPath maps a path inside the sandbox to where the host keeps it once
// the sandbox has ended: rel beneath the source of the innermost bind
// mount that holds it, else beneath a persistent rootfs's upper layer
// (lower: the rootfs itself). why says why it is not kept otherwise.
func (s *Sandbox) keptPath(inside string) (root, rel, lower, why string) {
	var best *Mount
	for i := range s.Mounts {
		m := &s.Mounts[i]
		if under(inside, m.Target) && (best == nil || len(m.Target) > len(best.Target)) {
			best = m
		}
	}
	if best != nil {
		if best.Type != "bind" {
			return "", "", "", "is on a " + best.Type + " mount at " + best.Target + ", gone when the sandbox ends"
		}
		rel, _ := filepath.Rel(best.Target, inside)
		return best.Source, filepath.ToSlash(rel), "", ""
	}
	if s.RootfsOptions.Mode == RootfsPersistent && s.RootfsOptions.StateDir != "" {
		upper := filepath.Join(s.RootfsOptions.StateDir, "upper")
		if strings.Contains(filepath.Base(s.Rootfs), ".tar") {
			return upper, inside[1:], "", ""
		}
		return upper, inside[1:], s.Rootfs, ""
	}
	return "", "", "", "is in the sandbox's ephemeral root, gone when the sandbox ends"
}

// under reports whether p is dir or below it; both are clean and absolute.
func under(p, dir string) bool {
	return p == dir || dir == "/" || strings.HasPrefix(p, dir+"/")
}
