package config

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// ProjectRule says in words which names ValidProject accepts.
const ProjectRule = `use 1 to 63 lowercase letters, digits, '_' or '-', starting with a letter or digit`

// ValidProject reports whether name is one a project can have.
func ValidProject(name string) bool { return projectName.match(name) }

// ProjectFromDir is the project name a configuration directory gives by
// default, made valid as compose makes it: lowercased, every character
// but letters, digits, '_' and '-' dropped, leading '_' and '-' trimmed,
// cut to 63 bytes. It is "" when nothing is left.
func ProjectFromDir(dir string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(filepath.Base(dir)) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-' {
			b.WriteRune(r)
		}
	}
	name := strings.TrimLeft(b.String(), "_-")
	if len(name) > 63 {
		name = name[:63]
	}
	return name
}

// projectAttr decodes the top-level project attribute of the files: a
// literal string that ValidProject accepts, declared at most once.
func projectAttr(attrs []*hcl.Attribute) (string, hcl.Range, hcl.Diagnostics) {
	if len(attrs) == 0 {
		return "", hcl.Range{}, nil
	}
	var diags hcl.Diagnostics
	for _, a := range attrs[1:] {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Duplicate project attribute",
			Detail: fmt.Sprintf("The configuration names its project once; the first is at %s:%d.",
				attrs[0].Range.Filename, attrs[0].Range.Start.Line),
			Subject: a.Range.Ptr()})
	}
	a := attrs[0]
	tmpl, ok := a.Expr.(*hclsyntax.TemplateExpr)
	if !ok || !tmpl.IsStringLiteral() {
		return "", a.Range, append(diags, invalidProject(a, "The project name is a literal string, such as project = \"dev\": "+
			"commands that load no configuration (ps, stop, logs, down) read it without variables."))
	}
	v, _ := tmpl.Value(nil)
	name := v.AsString()
	if !ValidProject(name) {
		return "", a.Range, append(diags, invalidProject(a, fmt.Sprintf("%q is not a project name: %s.", name, ProjectRule)))
	}
	return name, a.Range, diags
}

func invalidProject(a *hcl.Attribute, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid project", Detail: detail, Subject: a.Expr.Range().Ptr()}
}

// ReadProject reads the project attribute of the files at paths without
// loading the rest: for commands
// that act on a project's sandboxes but start none. It returns "" when
// no file names a project.
func ReadProject(paths []string) (string, hcl.Diagnostics) {
	names, diags := expandPaths(paths)
	l := newLoader(Options{})
	var attrs []*hcl.Attribute
	for _, name := range names {
		f, d := l.parseFile(name)
		diags = append(diags, d...)
		if f == nil || f.Body == nil {
			continue
		}
		content, _, _ := f.Body.PartialContent(projectSchema)
		if a, ok := content.Attributes["project"]; ok {
			attrs = append(attrs, a)
		}
	}
	name, _, d := projectAttr(attrs)
	return name, append(diags, d...)
}

// projectSchema picks the project attribute out of a file's top level.
var projectSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "project"}}}
