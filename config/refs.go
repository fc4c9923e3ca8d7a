package config

import (
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// refKinds names what each object in scope holds, for messages.
var refKinds = map[string]string{
	"var":   "input variable",
	"local": "local value",
	"path":  "path attribute",
	"count": "count attribute",
	"each":  "each attribute",
}

// checkRefs reports every reference to var.X, local.X or path.X that names
// nothing, with a suggestion. Other unknown names are left to HCL, which
// reports them itself.
func checkRefs(expr hcl.Expression, ctx *hcl.EvalContext) hcl.Diagnostics {
	if ctx == nil {
		return nil
	}
	var diags hcl.Diagnostics
	for _, t := range expr.Variables() {
		root := t.RootName()
		kind, ok := refKinds[root]
		obj, inScope := ctx.Variables[root]
		if !ok || !inScope || len(t) < 2 || !obj.Type().IsObjectType() {
			continue
		}
		attr, ok := t[1].(hcl.TraverseAttr)
		if !ok || obj.Type().HasAttribute(attr.Name) {
			continue
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Reference to undeclared " + kind,
			Detail: fmt.Sprintf("There is no %s named %q.%s", kind, attr.Name,
				didYouMean(attr.Name, attrNames(obj.Type()))),
			Subject: t.SourceRange().Ptr(),
		})
	}
	return diags
}

func attrNames(t cty.Type) []string {
	var out []string
	for name := range t.AttributeTypes() {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// evalChecked checks an expression's references, then evaluates it. A
// value that cannot be computed is unknown, so that later uses of it stay
// quiet instead of repeating the error.
func evalChecked(expr hcl.Expression, ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	if diags := checkRefs(expr, ctx); diags.HasErrors() {
		return cty.DynamicVal, diags
	}
	val, diags := expr.Value(ctx)
	if diags.HasErrors() {
		return cty.DynamicVal, diags
	}
	return val, diags
}
