package explain

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/isolation"
	"github.com/zclconf/go-cty/cty"
)

// explainAttribute says what an attribute is set to, through which
// variables and locals, and what the plan does with it.
func explainAttribute(in Input, key string) *Answer {
	s := in.Sandbox
	a := &Answer{What: key, Kind: "attribute"}
	rng, ok := s.Ranges[key]
	if !ok {
		a.Answer = "not set: the default"
		if v, ok := planValue(in, key); ok {
			a.Answer += ", " + v
		}
		a.step(where(s.DeclRange), "the sandbox block does not set %s", key)
		effects(in, a, key)
		return a
	}
	expr := findExpr(in.Config.Files[rng.Filename], rng)
	text := source(in.Config, rng)
	a.Answer = text
	a.step(where(rng), "%s = %s", key, text)
	if expr != nil {
		if v, ok := refs(in, a, expr, map[string]bool{}); ok && len(expr.Variables()) == 1 {
			a.Answer = v + " (" + text + ")"
		}
	}
	effects(in, a, key)
	return a
}

// planValue is what the plan makes of an attribute the block leaves out.
func planValue(in Input, key string) (string, bool) {
	switch key {
	case "hostname":
		return "the sandbox's name: " + in.Plan.Spec.Hostname, in.Plan.Spec.Hostname != ""
	case "workdir":
		return in.Plan.Spec.Cwd, true
	case "network":
		return "none: only lo", in.Plan.Network == nil
	}
	if h := in.Plan.Health; h != nil {
		switch key {
		case "health.interval":
			return h.Interval.String(), true
		case "health.timeout":
			return h.Timeout.String(), true
		case "health.retries":
			return fmt.Sprint(h.Retries), true
		case "health.start_period":
			return h.StartPeriod.String(), true
		}
	}
	return "", false
}

// source is the text of a range in its file.
func source(cfg *config.Config, r hcl.Range) string {
	f := cfg.Files[r.Filename]
	if f == nil || r.End.Byte > len(f.Bytes) || r.Start.Byte > r.End.Byte {
		return "?"
	}
	return strings.TrimSpace(string(f.Bytes[r.Start.Byte:r.End.Byte]))
}

// findExpr finds the expression at rng in a file's syntax tree.
func findExpr(f *hcl.File, rng hcl.Range) hcl.Expression {
	if f == nil {
		return nil
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return nil
	}
	var found hcl.Expression
	hclsyntax.VisitAll(body, func(n hclsyntax.Node) hcl.Diagnostics {
		if e, ok := n.(hclsyntax.Expression); ok && found == nil && e.Range() == rng {
			found = e
		}
		return nil
	})
	return found
}

// refs follows the variables and locals an expression reads, each once,
// and returns the value of the first one.
func refs(in Input, a *Answer, expr hcl.Expression, seen map[string]bool) (first string, found bool) {
	for _, t := range expr.Variables() {
		root := t.RootName()
		if len(t) < 2 || root != "var" && root != "local" {
			continue
		}
		attr, ok := t[1].(hcl.TraverseAttr)
		if !ok || seen[root+"."+attr.Name] {
			continue
		}
		seen[root+"."+attr.Name] = true
		var v string
		if root == "var" {
			v = variable(in, a, attr.Name)
		} else {
			v = local(in, a, attr.Name, seen)
		}
		if !found {
			first, found = v, true
		}
	}
	return first, found
}

// variable explains a variable's value by its winning layer and default.
func variable(in Input, a *Answer, name string) string {
	o, ok := in.Config.Origins.Vars[name]
	if !ok {
		return "(unknown)"
	}
	val := show(o.Value, o.Sensitive)
	switch {
	case o.Range != nil:
		a.step(where(*o.Range), "var.%s = %s, from %s", name, val, o.Source)
	default:
		a.step("", "var.%s = %s, set by %s", name, val, o.Source)
	}
	if o.Default != nil && o.Source != "its default" {
		a.step(where(*o.Default), "var.%s's default %s, overridden", name, source(in.Config, *o.Default))
	}
	a.step(where(o.Decl), "var.%s is declared here", name)
	return val
}

// local explains a local by its expression and what that reads.
func local(in Input, a *Answer, name string, seen map[string]bool) string {
	o, ok := in.Config.Origins.Locals[name]
	if !ok {
		return "(unknown)"
	}
	val := show(o.Value, false)
	a.step(where(o.Expr.Range()), "local.%s = %s, which is %s", name, source(in.Config, o.Expr.Range()), val)
	refs(in, a, o.Expr, seen)
	return val
}

// show renders a value for a message; a sensitive one is hidden.
func show(v cty.Value, sensitive bool) string {
	switch {
	case sensitive:
		return "(sensitive)"
	case !v.IsWhollyKnown() || v.IsNull():
		return "(unknown)"
	case v.Type() == cty.String:
		return fmt.Sprintf("%q", v.AsString())
	case v.Type() == cty.Number:
		return v.AsBigFloat().Text('f', -1)
	case v.Type() == cty.Bool:
		return fmt.Sprint(v.True())
	}
	return v.GoString()
}

// effects lists what the plan does with the attribute: the cgroup files
// it writes, the offsets of the time namespace.
func effects(in Input, a *Answer, key string) {
	if o := in.Plan.Spec.TimeOffsets; o != nil && strings.HasPrefix(key, "clock_offsets.") {
		lines := strings.Split(strings.TrimSpace(isolation.TimensOffsets(o)), "\n")
		a.step("", "written to /proc/self/timens_offsets before the command enters the time namespace: %s", strings.Join(lines, "; "))
	}
	c := in.Plan.Cgroup
	if c == nil {
		return
	}
	for _, w := range c.Writes {
		if w.Limit == key {
			a.step("", "written to %s/%s = %s (cgroup v%d)", w.Controller, w.File, w.Value, c.Version)
		}
	}
}
