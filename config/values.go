package config

import (
	"errors"
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// attrValue evaluates an attribute and converts it to want, reporting a
// diagnostic at the expression when it cannot. An unknown value (from an
// earlier error, or count.index and each.* in a fanned-out block checked
// with no instance) comes back as null; attrValueKnown says which.
func attrValue(a *hcl.Attribute, ctx *hcl.EvalContext, want cty.Type, what string) (cty.Value, hcl.Diagnostics) {
	v, _, diags := attrValueKnown(a, ctx, want, what)
	return v, diags
}

// attrValueKnown is attrValue that also reports whether the value is
// known: checks of the value must not run on an unknown one.
func attrValueKnown(a *hcl.Attribute, ctx *hcl.EvalContext, want cty.Type, what string) (cty.Value, bool, hcl.Diagnostics) {
	v, diags := evalChecked(a.Expr, ctx)
	if diags.HasErrors() {
		return cty.NilVal, false, diags
	}
	if !v.IsWhollyKnown() {
		return cty.NullVal(want), false, nil
	}
	if v.IsNull() {
		return v, true, nil
	}
	conv, err := convert.Convert(v, want)
	if err != nil {
		if d := elementTypeError(a, ctx, v, want, err); d != nil {
			return cty.NilVal, false, hcl.Diagnostics{d}
		}
		return cty.NilVal, false, hcl.Diagnostics{{
			Severity:    hcl.DiagError,
			Summary:     "Incorrect attribute value type",
			Detail:      fmt.Sprintf("Inappropriate value for attribute %q: %s required, got %s.", a.Name, what, v.Type().FriendlyName()),
			Subject:     a.Expr.Range().Ptr(),
			Expression:  a.Expr,
			EvalContext: ctx,
		}}
	}
	return conv, true, nil
}

// stringValue decodes a string attribute; null is "". checked is false
// when there is nothing to check: the value is unknown, or it failed to
// decode (diags says why).
func stringValue(a *hcl.Attribute, ctx *hcl.EvalContext) (v string, checked bool, diags hcl.Diagnostics) {
	val, known, diags := attrValueKnown(a, ctx, cty.String, "a string")
	if !known || val.IsNull() {
		return "", known, diags
	}
	return val.AsString(), true, nil
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

// elementTypeError is the diagnostic of a conversion that failed on one
// element of a collection written out in the attribute: it points at the
// element and names it. nil when err names no such element.
func elementTypeError(a *hcl.Attribute, ctx *hcl.EvalContext, v cty.Value, want cty.Type, err error) *hcl.Diagnostic {
	path, why := badElement(v, want)
	var pe cty.PathError
	if errors.As(err, &pe) && len(pe.Path) > 0 {
		path, why = pe.Path, pe
	}
	if path == nil {
		return nil
	}
	rng, name, ok := elementAt(a.Expr, path, ctx)
	if !ok {
		return nil
	}
	return &hcl.Diagnostic{
		Severity:    hcl.DiagError,
		Summary:     "Incorrect element type",
		Detail:      fmt.Sprintf("Inappropriate value for %s%s: %v.", a.Name, name, why),
		Subject:     rng.Ptr(),
		Expression:  a.Expr,
		EvalContext: ctx,
	}
}

// badElement finds the first element of v, a tuple, list, object or map,
// that does not convert to the element type of want, a collection type:
// its path and why. nil when there is none to blame.
func badElement(v cty.Value, want cty.Type) (cty.Path, error) {
	if !want.IsCollectionType() || !v.CanIterateElements() || !v.IsKnown() || v.IsNull() {
		return nil, nil
	}
	elem := want.ElementType()
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		if _, err := convert.Convert(e, elem); err != nil {
			path := cty.Path{cty.IndexStep{Key: k}}
			if sub, serr := badElement(e, elem); sub != nil {
				return append(path, sub...), serr
			}
			return path, fmt.Errorf("%s required, got %s", elem.FriendlyName(), e.Type().FriendlyName())
		}
	}
	return nil, nil
}
