package config

import (
	"strconv"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// markSensitive records which values of a sandbox derive from a sensitive
// variable, directly or through locals, so that readable output can hide
// them. A list or map written out element by element is marked per element
// ("command.2", "env.TOKEN"); any other expression as a whole.
func (l *loader) markSensitive(s *Sandbox, block *hcl.Block) {
	if !l.anySensitive() {
		return
	}
	content, _ := block.Body.Content(sandboxSchema)
	for name, a := range content.Attributes {
		switch e := a.Expr.(type) {
		case *hclsyntax.TupleConsExpr:
			for i, item := range e.Exprs {
				l.markIf(s, name+"."+strconv.Itoa(i), item)
			}
		case *hclsyntax.ObjectConsExpr:
			l.markItems(s, name, e)
		default:
			l.markIf(s, name, a.Expr)
		}
	}
	for _, b := range content.Blocks.OfType("health") {
		if c, _ := b.Body.Content(healthSchema); c != nil {
			if a, ok := c.Attributes["command"]; ok {
				l.markIf(s, "health.command", a.Expr) // the check is printed whole or not at all
			}
		}
	}
}

// markItems marks the items of an object constructor by key; an item whose
// key is not a literal marks the whole attribute.
func (l *loader) markItems(s *Sandbox, name string, e *hclsyntax.ObjectConsExpr) {
	for _, item := range e.Items {
		key, diags := item.KeyExpr.Value(nil)
		if diags.HasErrors() || !key.IsKnown() || key.IsNull() || key.Type() != cty.String {
			l.markIf(s, name, item.ValueExpr)
			continue
		}
		l.markIf(s, name+"."+key.AsString(), item.ValueExpr)
	}
}

func (l *loader) markIf(s *Sandbox, key string, expr hcl.Expression) {
	if l.tainted(expr, map[string]bool{}) {
		if s.Sensitive == nil {
			s.Sensitive = map[string]bool{}
		}
		s.Sensitive[key] = true
	}
}

// tainted reports whether expr uses a sensitive variable; seen guards
// against cycles of locals.
func (l *loader) tainted(expr hcl.Expression, seen map[string]bool) bool {
	for _, t := range expr.Variables() {
		name := ""
		if len(t) > 1 {
			if attr, ok := t[1].(hcl.TraverseAttr); ok {
				name = attr.Name
			}
		}
		switch root := t.RootName(); {
		case root == "var" && (name == "" || l.vars[name] != nil && l.vars[name].sensitive):
			return true
		case root == "local" && name == "":
			return true // the whole object: assume the worst
		case root == "local" && !seen[name] && l.locals[name] != nil:
			seen[name] = true
			if l.tainted(l.locals[name].attr.Expr, seen) {
				return true
			}
		}
	}
	return false
}

func (l *loader) anySensitive() bool {
	for _, v := range l.varList {
		if v.sensitive {
			return true
		}
	}
	return false
}
