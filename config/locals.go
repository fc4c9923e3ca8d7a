package config

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// local is one named value of a locals block.
type local struct {
	attr *hcl.Attribute
	dir  string
}

// collectLocals gathers the locals of every file, reporting duplicates.
func (l *loader) collectLocals() hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, f := range l.files {
		for _, block := range f.locals {
			attrs, d := block.Body.JustAttributes()
			diags = append(diags, d...)
			for _, a := range sortedAttrs(attrs) {
				if prev, ok := l.locals[a.Name]; ok {
					diags = append(diags, duplicate("local value", a.Name, prev.attr.NameRange, a.NameRange))
					continue
				}
				l.locals[a.Name] = &local{attr: a, dir: f.dir}
				l.localOrder = append(l.localOrder, a.Name)
			}
		}
	}
	return diags
}

// evalLocals evaluates the locals in dependency order. A cycle is one
// diagnostic; its members and everything that uses them stay unknown.
func (l *loader) evalLocals() hcl.Diagnostics {
	o := &localOrder{locals: l.locals, state: map[string]int{}, inCycle: map[string]bool{}}
	for _, name := range l.localOrder {
		o.visit(name)
	}
	diags := o.diags
	values := map[string]cty.Value{}
	for _, name := range o.order {
		if o.inCycle[name] {
			values[name] = cty.DynamicVal
			continue
		}
		loc := l.locals[name]
		l.localObject = cty.ObjectVal(values)
		val, d := evalChecked(loc.attr.Expr, l.evalContext(loc.dir))
		diags = append(diags, d...)
		values[name] = val
	}
	l.localObject = cty.ObjectVal(values)
	return diags
}

// localOrder sorts locals so that each comes after the locals it uses.
type localOrder struct {
	locals  map[string]*local
	state   map[string]int // 0 new, 1 visiting, 2 done
	stack   []string
	order   []string
	inCycle map[string]bool
	diags   hcl.Diagnostics
}

func (o *localOrder) visit(name string) {
	switch o.state[name] {
	case 2:
		return
	case 1:
		o.cycle(name)
		return
	}
	o.state[name] = 1
	o.stack = append(o.stack, name)
	for _, dep := range localRefs(o.locals[name].attr.Expr) {
		if o.locals[dep] != nil {
			o.visit(dep)
		}
	}
	o.stack = o.stack[:len(o.stack)-1]
	o.state[name] = 2
	o.order = append(o.order, name)
}

// cycle reports the cycle that closes at name, once.
func (o *localOrder) cycle(name string) {
	i := len(o.stack) - 1
	for o.stack[i] != name {
		i--
	}
	members := o.stack[i:]
	path := make([]string, 0, len(members)+1)
	for _, m := range members {
		o.inCycle[m] = true
		path = append(path, "local."+m)
	}
	path = append(path, "local."+name)
	a := o.locals[name].attr
	o.diags = append(o.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Cycle in local values",
		Detail:   fmt.Sprintf("The local values refer to each other in a cycle: %s. Break the cycle so that each can be computed from the others.", strings.Join(path, " → ")),
		Subject:  a.Expr.Range().Ptr(),
	})
}

// localRefs lists the names of the locals an expression uses.
func localRefs(expr hcl.Expression) []string {
	var out []string
	for _, t := range expr.Variables() {
		if t.RootName() != "local" || len(t) < 2 {
			continue
		}
		if attr, ok := t[1].(hcl.TraverseAttr); ok {
			out = append(out, attr.Name)
		}
	}
	return out
}
