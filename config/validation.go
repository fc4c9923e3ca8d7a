package config

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// validate runs a variable's validation blocks against its value.
func (l *loader) validate(v *variable, vv varValue) hcl.Diagnostics {
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": cty.ObjectVal(map[string]cty.Value{v.name: vv.val})},
		Functions: l.functions(v.dir),
	}
	var diags hcl.Diagnostics
	for _, rule := range v.validations {
		ok, d := checkCondition(rule.condition, ctx)
		diags = append(diags, d...)
		if ok || d.HasErrors() {
			continue
		}
		msg, d := messageText(rule.message, ctx)
		diags = append(diags, d...)
		subject := vv.rng
		if subject == nil {
			subject = rule.condition.Range().Ptr()
		}
		cond := rule.condition.Range()
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid value for variable",
			Detail: fmt.Sprintf("%s\n\nThe value of var.%s comes from %s; the rule is at %s:%d:%d.",
				msg, v.name, vv.source, cond.Filename, cond.Start.Line, cond.Start.Column),
			Subject: subject,
		})
	}
	return diags
}

// checkCondition evaluates a validation condition; an unknown result passes.
func checkCondition(expr hcl.Expression, ctx *hcl.EvalContext) (bool, hcl.Diagnostics) {
	val, diags := expr.Value(ctx)
	if diags.HasErrors() || !val.IsWhollyKnown() {
		return true, diags
	}
	b, err := convert.Convert(val, cty.Bool)
	if err != nil || b.IsNull() {
		return true, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid validation condition",
			Detail:   "The condition must be true or false.",
			Subject:  expr.Range().Ptr(),
		}}
	}
	return b.True(), nil
}

// messageText evaluates a validation's error message.
func messageText(expr hcl.Expression, ctx *hcl.EvalContext) (string, hcl.Diagnostics) {
	val, diags := expr.Value(ctx)
	if diags.HasErrors() {
		return "The value is not valid.", diags
	}
	s, err := convert.Convert(val, cty.String)
	if err != nil || s.IsNull() || !s.IsKnown() || s.AsString() == "" {
		return "The value is not valid.", hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid error message",
			Detail:   "The error_message must be a non-empty string.",
			Subject:  expr.Range().Ptr(),
		}}
	}
	return s.AsString(), nil
}
