package config

import (
	"fmt"
	"maps"
	"sort"
	"strconv"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// MaxCount is the largest count a sandbox block may have.
const MaxCount = 10000

// fanoutSchema picks count and for_each out of a sandbox block.
var fanoutSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "count"}, {Name: "for_each"}},
}

// instance is one copy of a fanned-out sandbox block.
type instance struct {
	name, key string
	ctx       *hcl.EvalContext
}

// expandSandbox decodes a sandbox block once, or once per instance when it
// has count or for_each. A problem that every instance shares is reported
// once.
func (l *loader) expandSandbox(block *hcl.Block, f *sourceFile, ctx *hcl.EvalContext) ([]*Sandbox, hcl.Diagnostics) {
	insts, fanned, diags := instances(block, ctx)
	if !fanned {
		s, d := decodeSandbox(block, f.name, f.dir, l.readEnvFile, ctx)
		l.markSensitive(s, block)
		return []*Sandbox{s}, append(diags, d...)
	}
	if len(insts) == 0 || diags.HasErrors() {
		// Still check the body once, with placeholders for count and each.
		_, d := decodeSandbox(block, f.name, f.dir, l.readEnvFile, withScope(ctx, placeholderScope()))
		return nil, append(diags, d...)
	}
	var out []*Sandbox
	seen := map[string]bool{}
	for _, in := range insts {
		s, d := decodeSandbox(block, f.name, f.dir, l.readEnvFile, in.ctx)
		s.Base, s.Key, s.Name = s.Name, in.key, in.name
		l.markSensitive(s, block)
		out = append(out, s)
		diags = append(diags, uniqueDiags(d, seen)...)
	}
	return out, diags
}

// instances evaluates count or for_each; fanned is false when neither is set.
func instances(block *hcl.Block, ctx *hcl.EvalContext) (insts []instance, fanned bool, diags hcl.Diagnostics) {
	content, _, _ := block.Body.PartialContent(fanoutSchema)
	count, hasCount := content.Attributes["count"]
	each, hasEach := content.Attributes["for_each"]
	base := block.Labels[0]
	switch {
	case hasCount && hasEach:
		return nil, true, invalid(each, "Invalid combination of \"count\" and \"for_each\"",
			"A sandbox may have count or for_each, not both.")
	case hasCount:
		insts, diags = countInstances(base, count, ctx)
		return insts, true, diags
	case hasEach:
		insts, diags = eachInstances(base, each, ctx)
		return insts, true, diags
	}
	return nil, false, nil
}

func countInstances(base string, a *hcl.Attribute, ctx *hcl.EvalContext) ([]instance, hcl.Diagnostics) {
	n, diags := wholeNumber(a, ctx, 0, MaxCount)
	if diags.HasErrors() {
		return nil, diags
	}
	out := make([]instance, n)
	for i := range out {
		scope := map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": cty.NumberIntVal(int64(i))})}
		out[i] = instance{name: fmt.Sprintf("%s[%d]", base, i), key: strconv.Itoa(i), ctx: withScope(ctx, scope)}
	}
	return out, nil
}

func eachInstances(base string, a *hcl.Attribute, ctx *hcl.EvalContext) ([]instance, hcl.Diagnostics) {
	v, diags := evalChecked(a.Expr, ctx)
	if diags.HasErrors() || !v.IsWhollyKnown() {
		return nil, diags
	}
	elems, ok := eachElements(v)
	if !ok {
		return nil, invalid(a, "Invalid for_each argument",
			"The for_each value must be a map, or a set of strings, and you have provided a value of type %s. Convert a list with toset().",
			v.Type().FriendlyName())
	}
	keys := make([]string, 0, len(elems))
	for k := range elems {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]instance, 0, len(keys))
	for _, k := range keys {
		scope := map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{"key": cty.StringVal(k), "value": elems[k]})}
		out = append(out, instance{name: fmt.Sprintf("%s[%q]", base, k), key: k, ctx: withScope(ctx, scope)})
	}
	return out, nil
}

// eachElements maps each key of a for_each value to its each.value: a
// set of strings gives each string as both.
func eachElements(v cty.Value) (map[string]cty.Value, bool) {
	t := v.Type()
	if v.IsNull() {
		return nil, false
	}
	switch {
	case t.IsMapType() || t.IsObjectType():
		out := map[string]cty.Value{}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			out[k.AsString()] = e
		}
		return out, true
	case t.IsSetType() && t.ElementType() == cty.String:
		out := map[string]cty.Value{}
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			if e.IsNull() {
				return nil, false
			}
			out[e.AsString()] = e
		}
		return out, true
	}
	return nil, false
}

// withScope returns ctx with the extra top-level names of an instance.
func withScope(ctx *hcl.EvalContext, extra map[string]cty.Value) *hcl.EvalContext {
	vars := maps.Clone(ctx.Variables)
	maps.Copy(vars, extra)
	return &hcl.EvalContext{Variables: vars, Functions: ctx.Functions}
}

// placeholderScope stands for count and each with unknown values, so that
// a block with no instances is still checked.
func placeholderScope() map[string]cty.Value {
	return map[string]cty.Value{
		"count": cty.ObjectVal(map[string]cty.Value{"index": cty.UnknownVal(cty.Number)}),
		"each":  cty.ObjectVal(map[string]cty.Value{"key": cty.UnknownVal(cty.String), "value": cty.DynamicVal}),
	}
}

// uniqueDiags drops the diagnostics already reported for another instance.
func uniqueDiags(diags hcl.Diagnostics, seen map[string]bool) hcl.Diagnostics {
	var out hcl.Diagnostics
	for _, d := range diags {
		key := d.Summary + "\x00" + d.Detail
		if d.Subject != nil {
			key += "\x00" + d.Subject.String()
		}
		if !seen[key] {
			seen[key] = true
			out = append(out, d)
		}
	}
	return out
}

// checkBaseDuplicates reports a fanned-out sandbox whose label another
// block already uses; checkDuplicates cannot see it, as the instances'
// names differ from the other block's.
func checkBaseDuplicates(sbs []*Sandbox) hcl.Diagnostics {
	var diags hcl.Diagnostics
	first := map[string]*Sandbox{}
	for _, s := range sbs {
		prev, ok := first[s.Base]
		switch {
		case !ok:
			first[s.Base] = s
		case prev.DeclRange != s.DeclRange && (prev.Key != "" || s.Key != ""):
			diags = append(diags, duplicate("sandbox", s.Base, prev.DeclRange, s.DeclRange))
			first[s.Base] = s
		}
	}
	return diags
}
