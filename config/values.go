package config

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// attrValue evaluates an attribute and converts it to want, reporting a
// diagnostic at the expression when it cannot.
func attrValue(a *hcl.Attribute, ctx *hcl.EvalContext, want cty.Type, what string) (cty.Value, hcl.Diagnostics) {
	v, diags := evalChecked(a.Expr, ctx)
	if diags.HasErrors() {
		return cty.NilVal, diags
	}
	if !v.IsWhollyKnown() {
		return cty.NullVal(want), nil // an earlier error made it unknown
	}
	if v.IsNull() {
		return v, nil
	}
	conv, err := convert.Convert(v, want)
	if err != nil {
		return cty.NilVal, hcl.Diagnostics{{
			Severity:    hcl.DiagError,
			Summary:     "Incorrect attribute value type",
			Detail:      fmt.Sprintf("Inappropriate value for attribute %q: %s required, got %s.", a.Name, what, v.Type().FriendlyName()),
			Subject:     a.Expr.Range().Ptr(),
			Expression:  a.Expr,
			EvalContext: ctx,
		}}
	}
	return conv, nil
}

// stringValue decodes a string attribute; null is "".
func stringValue(a *hcl.Attribute, ctx *hcl.EvalContext) (string, hcl.Diagnostics) {
	v, diags := attrValue(a, ctx, cty.String, "a string")
	if diags.HasErrors() || v.IsNull() {
		return "", diags
	}
	return v.AsString(), nil
}

// stringList decodes a list of strings; null elements are errors.
func stringList(a *hcl.Attribute, ctx *hcl.EvalContext) ([]string, hcl.Diagnostics) {
	v, diags := attrValue(a, ctx, cty.List(cty.String), "a list of strings")
	if diags.HasErrors() || v.IsNull() {
		return nil, diags
	}
	out := make([]string, 0, v.LengthInt())
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.IsNull() {
			return nil, hcl.Diagnostics{nullElement(a)}
		}
		out = append(out, e.AsString())
	}
	return out, nil
}

// stringMap decodes a map of strings; null values are errors.
func stringMap(a *hcl.Attribute, ctx *hcl.EvalContext) (map[string]string, hcl.Diagnostics) {
	v, diags := attrValue(a, ctx, cty.Map(cty.String), "a map of strings")
	if diags.HasErrors() || v.IsNull() {
		return nil, diags
	}
	out := make(map[string]string, v.LengthInt())
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		if e.IsNull() {
			return nil, hcl.Diagnostics{nullElement(a)}
		}
		out[k.AsString()] = e.AsString()
	}
	return out, nil
}

func nullElement(a *hcl.Attribute) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Null element",
		Detail:   fmt.Sprintf("The value of %q may not contain null.", a.Name),
		Subject:  a.Expr.Range().Ptr(),
	}
}
