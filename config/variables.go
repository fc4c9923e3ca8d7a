package config

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// variable is one declared input variable.
type variable struct {
	name        string
	dir         string // directory of the declaring file, for validation functions
	typ         cty.Type
	defaults    *typeexpr.Defaults
	def         cty.Value
	hasDefault  bool
	defRange    hcl.Range
	description string
	sensitive   bool
	validations []validation
	declRange   hcl.Range
}

// validation is one validation block of a variable.
type validation struct {
	condition hcl.Expression
	message   hcl.Expression
}

// declareVariable decodes a variable block. It returns nil when the block
// cannot declare a usable variable.
func declareVariable(block *hcl.Block, dir string) (*variable, hcl.Diagnostics) {
	v := &variable{name: block.Labels[0], dir: dir, typ: cty.DynamicPseudoType, declRange: block.DefRange}
	content, diags := block.Body.Content(variableSchema)
	if !hclsyntax.ValidIdentifier(v.name) {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid variable name",
			Detail:   fmt.Sprintf("%q is not a valid variable name: use letters, digits, '_' and '-', starting with a letter.", v.name),
			Subject:  block.LabelRanges[0].Ptr(),
		})
		return nil, diags
	}
	diags = append(diags, v.decodeAttrs(content.Attributes)...)
	for _, b := range content.Blocks {
		c, d := b.Body.Content(validationSchema)
		diags = append(diags, d...)
		if c.Attributes["condition"] != nil && c.Attributes["error_message"] != nil {
			v.validations = append(v.validations, validation{
				condition: c.Attributes["condition"].Expr,
				message:   c.Attributes["error_message"].Expr,
			})
		}
	}
	return v, diags
}

// decodeAttrs reads type, default, description and sensitive.
func (v *variable) decodeAttrs(attrs hcl.Attributes) hcl.Diagnostics {
	var diags hcl.Diagnostics
	if a, ok := attrs["type"]; ok {
		typ, defaults, d := typeexpr.TypeConstraintWithDefaults(a.Expr)
		diags = append(diags, d...)
		if !d.HasErrors() {
			v.typ, v.defaults = typ, defaults
		}
	}
	if a, ok := attrs["description"]; ok {
		s, _, d := stringValue(a, nil)
		diags = append(diags, d...)
		v.description = s
	}
	if a, ok := attrs["sensitive"]; ok {
		b, d := attrValue(a, nil, cty.Bool, "a bool")
		diags = append(diags, d...)
		v.sensitive = !d.HasErrors() && !b.IsNull() && b.True()
	}
	if a, ok := attrs["default"]; ok {
		val, d := a.Expr.Value(nil)
		diags = append(diags, d...)
		if !d.HasErrors() {
			val, d = v.convert(val, a.Expr.Range(), "the default")
			diags = append(diags, d...)
		} else {
			val = cty.DynamicVal // reported; not also "required"
		}
		v.def, v.hasDefault, v.defRange = val, true, a.Expr.Range()
	}
	return diags
}

// convert applies the variable's type constraint and optional-attribute
// defaults to a value from the named source; rng locates that value.
func (v *variable) convert(val cty.Value, rng hcl.Range, source string) (cty.Value, hcl.Diagnostics) {
	if v.defaults != nil {
		val = v.defaults.Apply(val)
	}
	out, err := convert.Convert(val, v.typ)
	if err != nil {
		return cty.DynamicVal, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid value for variable",
			Detail: fmt.Sprintf("The value of var.%s from %s does not fit its type %s: %s.",
				v.name, source, typeexpr.TypeString(v.typ), err),
			Subject: rng.Ptr(),
		}}
	}
	return out, nil
}
