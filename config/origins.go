package config

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Origins say where the values of variables and locals came from, so that
// a tool can explain a configuration. Load fills them; nothing in this
// package reads them.
type Origins struct {
	// Vars are the declared variables by name.
	Vars map[string]VarOrigin
	// Locals are the locals by name.
	Locals map[string]LocalOrigin
}

// VarOrigin is a variable's value and the layers it came through.
type VarOrigin struct {
	// Value is the value the configuration saw (unknown when it had none).
	Value cty.Value
	// Source says which layer won: "its default", a variables file's
	// name, "the environment variable SANDBOX_VAR_NAME", "--var NAME".
	Source string
	// Range is where the winning value is written, when it is in a file.
	Range *hcl.Range
	// Default is the range of the default's value, when there is one.
	Default *hcl.Range
	// Decl is the range of the variable block's header.
	Decl hcl.Range
	// Sensitive is set for a variable declared sensitive.
	Sensitive bool
}

// LocalOrigin is a local's expression and value.
type LocalOrigin struct {
	Expr  hcl.Expression
	Value cty.Value
}

// origins collects the variables' winning layers and the locals.
func (l *loader) origins(final map[string]varValue) Origins {
	o := Origins{Vars: map[string]VarOrigin{}, Locals: map[string]LocalOrigin{}}
	for _, v := range l.varList {
		vv := final[v.name]
		vo := VarOrigin{Value: vv.val, Source: vv.source, Range: vv.rng, Decl: v.declRange, Sensitive: v.sensitive}
		if v.hasDefault {
			vo.Default = v.defRange.Ptr()
		}
		o.Vars[v.name] = vo
	}
	for name, loc := range l.locals {
		lo := LocalOrigin{Expr: loc.attr.Expr, Value: cty.DynamicVal}
		if l.localObject.Type().IsObjectType() && l.localObject.Type().HasAttribute(name) {
			lo.Value = l.localObject.GetAttr(name)
		}
		o.Locals[name] = lo
	}
	return o
}
