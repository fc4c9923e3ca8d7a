package config

import (
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// VariableValue is a variable's final value, for a record of what ran.
type VariableValue struct {
	Name string
	// Value is the value as JSON text; "" when Sensitive, which keeps a
	// secret out of every record.
	Value     string
	Sensitive bool
}

// variableValues lists every declared variable's final value, in
// declaration order; one without a known value is left out.
func (l *loader) variableValues() []VariableValue {
	if l.varObject.IsNull() || !l.varObject.Type().IsObjectType() {
		return nil
	}
	var out []VariableValue
	for _, v := range l.varList {
		if !l.varObject.Type().HasAttribute(v.name) {
			continue
		}
		val, _ := l.varObject.GetAttr(v.name).UnmarkDeep()
		if !val.IsWhollyKnown() {
			continue
		}
		vv := VariableValue{Name: v.name, Sensitive: v.sensitive}
		if !v.sensitive {
			vv.Value = jsonText(val)
		}
		out = append(out, vv)
	}
	return out
}

// jsonText is v as JSON, or its type's name when it cannot be encoded.
func jsonText(v cty.Value) string {
	b, err := ctyjson.Marshal(v, v.Type())
	if err != nil {
		return "(" + v.Type().FriendlyName() + ")"
	}
	return string(b)
}
