package config

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// varValue is a variable's value and where it came from.
type varValue struct {
	val    cty.Value
	source string     // for messages: "--var", "the default", a file name
	rng    *hcl.Range // the value's source range, when it came from a file
	raw    *string    // text from the environment or --var, parsed only if it wins
}

// assignVariables gives every declared variable its value, in rising
// precedence: defaults, *.auto.vars beside the configs, --var-file files,
// SANDBOX_VAR_NAME, --var. It then checks required values and validations.
func (l *loader) assignVariables() hcl.Diagnostics {
	values := map[string]varValue{}
	for _, v := range l.varList {
		if v.hasDefault {
			values[v.name] = varValue{val: v.def, source: "its default", rng: v.defRange.Ptr()}
		}
	}
	diags := l.readVarFiles(autoVarFiles(l.dirs()), values, hcl.DiagWarning)
	diags = append(diags, checkVarFiles(l.opts.VarFiles)...)
	diags = append(diags, l.readVarFiles(existing(l.opts.VarFiles), values, hcl.DiagError)...)
	l.envVars(values)
	diags = append(diags, l.flagVars(values)...)
	obj := map[string]cty.Value{}
	for _, v := range l.varList {
		vv, ok := values[v.name]
		if ok && vv.raw != nil {
			var d hcl.Diagnostics
			vv.val, d = v.parseRaw(*vv.raw, vv.source)
			diags = append(diags, d...)
		}
		if !ok {
			diags = append(diags, missingValue(v))
			vv.val = cty.DynamicVal
		} else if vv.val.IsWhollyKnown() {
			diags = append(diags, l.validate(v, vv)...)
		}
		obj[v.name] = vv.val
		values[v.name] = vv
	}
	l.varObject = cty.ObjectVal(obj)
	l.varFinal = values
	return diags
}

// autoVarFiles lists the *.auto.vars files of the given directories.
func autoVarFiles(dirs []string) []string {
	var out []string
	for _, d := range dirs {
		m, _ := filepath.Glob(filepath.Join(d, "*.auto.vars"))
		sort.Strings(m)
		out = append(out, m...)
	}
	return out
}

// readVarFiles reads NAME = VALUE attributes from each file into values.
// undeclared is the severity of setting an undeclared variable: a warning
// for *.auto.vars, which may serve configuration files not loaded this
// time, an error for files named on the command line.
func (l *loader) readVarFiles(names []string, values map[string]varValue, undeclared hcl.DiagnosticSeverity) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, name := range names {
		f, d := l.parseFile(name)
		diags = append(diags, d...)
		if f == nil || f.Body == nil {
			continue
		}
		attrs, d := f.Body.JustAttributes()
		diags = append(diags, d...)
		for _, a := range sortedAttrs(attrs) {
			diags = append(diags, l.fileVar(a, name, values, undeclared)...)
		}
	}
	return diags
}

// fileVar assigns one attribute of a variables file.
func (l *loader) fileVar(a *hcl.Attribute, file string, values map[string]varValue, undeclared hcl.DiagnosticSeverity) hcl.Diagnostics {
	v := l.vars[a.Name]
	if v == nil {
		return hcl.Diagnostics{{
			Severity: undeclared,
			Summary:  "Undeclared variable",
			Detail:   fmt.Sprintf("%s sets %q, but no variable of that name is declared.%s", file, a.Name, didYouMean(a.Name, l.varNames())),
			Subject:  a.NameRange.Ptr(),
		}}
	}
	val, diags := a.Expr.Value(nil)
	if !diags.HasErrors() {
		val, diags = v.convert(val, a.Expr.Range(), file)
	}
	values[v.name] = varValue{val: val, source: file, rng: a.Expr.Range().Ptr()}
	return diags
}

// envVars assigns SANDBOX_VAR_NAME values; they are parsed only if no
// --var overrides them.
func (l *loader) envVars(values map[string]varValue) {
	lookup := l.opts.lookupEnv()
	for _, v := range l.varList {
		source := EnvVarPrefix + v.name
		if raw, ok := lookup(source); ok {
			values[v.name] = varValue{raw: &raw, source: "the environment variable " + source}
		}
	}
}

// flagVars assigns --var NAME=VALUE values.
func (l *loader) flagVars(values map[string]varValue) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, kv := range l.opts.Vars {
		name, raw, ok := strings.Cut(kv, "=")
		v := l.vars[name]
		switch {
		case !ok || name == "":
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid --var option",
				Detail: fmt.Sprintf("--var %q: write NAME=VALUE, as in --var port=8080.", kv)})
		case v == nil:
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Undeclared variable",
				Detail: fmt.Sprintf("--var sets %q, but no variable of that name is declared.%s", name, didYouMean(name, l.varNames()))})
		default:
			values[name] = varValue{raw: &raw, source: "--var " + name}
		}
	}
	return diags
}

// parseRaw turns text from the command line or the environment into a
// value: the text itself for primitive types, an HCL expression otherwise.
func (v *variable) parseRaw(raw, source string) (cty.Value, hcl.Diagnostics) {
	if v.typ.IsPrimitiveType() || v.typ == cty.DynamicPseudoType {
		return v.convert(cty.StringVal(raw), v.declRange, source)
	}
	expr, diags := hclsyntax.ParseExpression([]byte(raw), source, hcl.InitialPos)
	if diags.HasErrors() {
		return cty.DynamicVal, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid value for variable",
			Detail: fmt.Sprintf("The value of var.%s from %s is not a valid expression for a %s: %s.",
				v.name, source, v.typ.FriendlyName(), diags[0].Summary),
			Subject: v.declRange.Ptr(),
		}}
	}
	val, diags := expr.Value(nil)
	if diags.HasErrors() {
		return cty.DynamicVal, diags
	}
	return v.convert(val, v.declRange, source)
}

func missingValue(v *variable) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "No value for required variable",
		Detail: fmt.Sprintf("The variable %q has no default, so it needs a value: --var %s=VALUE, "+
			"a line %s = VALUE in a --var-file or *.auto.vars file, or the environment variable %s%s.",
			v.name, v.name, v.name, EnvVarPrefix, v.name),
		Subject: v.declRange.Ptr(),
	}
}

// sortedAttrs returns attributes in source order.
func sortedAttrs(attrs hcl.Attributes) []*hcl.Attribute {
	out := make([]*hcl.Attribute, 0, len(attrs))
	for _, a := range attrs {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Range, out[j].Range
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		return a.Start.Byte < b.Start.Byte
	})
	return out
}

// checkVarFiles reports --var-file names that are not readable files.
func checkVarFiles(names []string) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, name := range names {
		if info, err := os.Stat(name); err == nil && info.IsDir() {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Cannot read variables file",
				Detail:   fmt.Sprintf("--var-file %s: this is a directory; name a file of NAME = VALUE lines.", name),
			})
		} else if err != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Cannot read variables file",
				Detail:   fmt.Sprintf("--var-file %s: there is no such file.", name),
			})
		}
	}
	return diags
}

// existing keeps the names that are regular files.
func existing(names []string) []string {
	var out []string
	for _, name := range names {
		if info, err := os.Stat(name); err == nil && !info.IsDir() {
			out = append(out, name)
		}
	}
	return out
}
