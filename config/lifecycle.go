package config

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// decodeLifecycle fills the attributes that govern how a sandbox runs
// rather than what it sees: init.
func decodeLifecycle(s *Sandbox, attrs hcl.Attributes, ctx *hcl.EvalContext) hcl.Diagnostics {
	a, ok := attrs["init"]
	if !ok {
		return nil
	}
	v, d := attrValue(a, ctx, cty.Bool, "a bool")
	if !d.HasErrors() && !v.IsNull() {
		b := v.True()
		s.Init = &b
	}
	return d
}
