package config

import (
	"errors"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// coalesceFunc returns its first argument that is neither null nor an empty
// string, as Terraform's coalesce does, so that coalesce(env("X"), "dflt")
// works. cty's own coalesce skips only nulls.
func coalesceFunc() function.Function {
	return function.New(&function.Spec{
		VarParam: &function.Parameter{
			Name: "vals", Type: cty.DynamicPseudoType,
			AllowNull: true, AllowUnknown: true, AllowDynamicType: true,
		},
		Type: func(args []cty.Value) (cty.Type, error) {
			return stdlib.CoalesceFunc.ReturnType(argTypes(args))
		},
		Impl: func(args []cty.Value, ret cty.Type) (cty.Value, error) {
			for _, a := range args {
				if !a.IsKnown() {
					return cty.UnknownVal(ret), nil
				}
				if a.IsNull() {
					continue
				}
				v, err := convert.Convert(a, ret)
				if err != nil {
					return cty.UnknownVal(ret), err
				}
				if v.Type() == cty.String && v.AsString() == "" {
					continue
				}
				return v, nil
			}
			return cty.UnknownVal(ret), errors.New("every argument is null or an empty string")
		},
	})
}

func argTypes(args []cty.Value) []cty.Type {
	out := make([]cty.Type, len(args))
	for i, a := range args {
		out[i] = a.Type()
	}
	return out
}
