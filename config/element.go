package config

import (
	"fmt"
	"strconv"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// elementAt finds, in a map, object, list or tuple written out in expr,
// the element that path (from a conversion error) names: its range, and
// its name as a user writes it (env["PORT"], command[2]). ok is false when
// the element is not written out where it could be pointed at.
func elementAt(expr hcl.Expression, path cty.Path, ctx *hcl.EvalContext) (rng hcl.Range, name string, ok bool) {
	for _, step := range path {
		idx, isIndex := step.(cty.IndexStep)
		if !isIndex {
			return rng, name, ok
		}
		next, label, found := writtenElement(expr, idx.Key, ctx)
		if !found {
			return rng, name, ok
		}
		expr, name, ok = next, name+label, true
		rng = next.Range()
	}
	return rng, name, ok
}

// writtenElement is the written-out element key of a collection expression.
func writtenElement(expr hcl.Expression, key cty.Value, ctx *hcl.EvalContext) (hcl.Expression, string, bool) {
	switch e := expr.(type) {
	case *hclsyntax.ObjectConsExpr:
		if key.Type() != cty.String || !key.IsKnown() || key.IsNull() {
			return nil, "", false
		}
		for _, item := range e.Items {
			k, diags := item.KeyExpr.Value(ctx)
			if !diags.HasErrors() && k.Type() == cty.String && k.IsKnown() && !k.IsNull() && k.AsString() == key.AsString() {
				return item.ValueExpr, "[" + strconv.Quote(key.AsString()) + "]", true
			}
		}
	case *hclsyntax.TupleConsExpr:
		if key.Type() != cty.Number || !key.IsKnown() || key.IsNull() {
			return nil, "", false
		}
		i, acc := key.AsBigFloat().Int64()
		if acc != 0 || i < 0 || i >= int64(len(e.Exprs)) {
			return nil, "", false
		}
		return e.Exprs[i], fmt.Sprintf("[%d]", i), true
	}
	return nil, "", false
}
