package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Dependency conditions: a dependent starts once the dependency's command
// runs (started), once it exited 0 (completed), or once its health check
// passed (healthy).
const (
	Started   = "started"
	Completed = "completed"
	Healthy   = "healthy"
)

// Dependency is one entry of depends_on.
type Dependency struct {
	// Name is the name as written: a sandbox, all instances of a
	// fanned-out one ("worker"), or one instance ("worker[0]").
	Name string
	// Condition is Started, Completed or Healthy.
	Condition string
	// Targets are the names of the sandbox instances Name stands for.
	Targets []string
	// Range is the source range of the depends_on value.
	Range hcl.Range
}

// Batching is what a sandbox declares about its place in a batch.
type Batching struct {
	// Base is the block label of a fanned-out sandbox ("worker" for
	// "worker[0]"); it equals Name otherwise.
	Base string
	// Key is the instance's count.index or each.key; "" when not fanned out.
	Key string
	// DependsOn are the sandboxes this one waits for, in the order written.
	DependsOn []Dependency
	// StopSignal is the signal that asks the sandbox to stop, "SIGTERM".
	StopSignal string
	// StopTimeout is how long a stop waits before SIGKILL.
	StopTimeout time.Duration
}

// decodeDepends reads depends_on: a list of names, each "started", or a
// map from name to "started", "completed" or "healthy".
func decodeDepends(s *Sandbox, attrs hcl.Attributes, ctx *hcl.EvalContext) hcl.Diagnostics {
	a, ok := attrs["depends_on"]
	if !ok {
		return nil
	}
	v, diags := evalChecked(a.Expr, ctx)
	if diags.HasErrors() || !v.IsWhollyKnown() || v.IsNull() {
		return diags
	}
	t := v.Type()
	if t.IsListType() || t.IsTupleType() || t.IsSetType() {
		names, d := stringList(a, ctx)
		for _, n := range names {
			s.DependsOn = append(s.DependsOn, Dependency{Name: n, Condition: Started, Range: a.Expr.Range()})
		}
		return d
	}
	conds, d := attrValue(a, ctx, cty.Map(cty.String), `a list of sandbox names, or a map from name to "started", "completed" or "healthy"`)
	if d.HasErrors() || conds.IsNull() {
		return d
	}
	for it := conds.ElementIterator(); it.Next(); {
		k, c := it.Element()
		if c.IsNull() || (c.AsString() != Started && c.AsString() != Completed && c.AsString() != Healthy) {
			return invalid(a, "Invalid dependency condition",
				"The condition for %q must be \"started\", \"completed\" or \"healthy\".", k.AsString())
		}
		s.DependsOn = append(s.DependsOn, Dependency{Name: k.AsString(), Condition: c.AsString(), Range: a.Expr.Range()})
	}
	return nil
}

// resolveDepends finds the sandboxes each dependency names and reports
// unknown names and cycles.
func resolveDepends(c *Config) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, s := range c.Sandboxes {
		for i := range s.DependsOn {
			d := &s.DependsOn[i]
			for _, t := range c.Select(d.Name) {
				d.Targets = append(d.Targets, t.Name)
			}
			if len(d.Targets) == 0 {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Reference to undeclared sandbox",
					Detail:   fmt.Sprintf("%s depends on %q, but no sandbox has that name.%s", s.Name, d.Name, didYouMean(d.Name, c.Names())),
					Subject:  d.Range.Ptr(),
				})
			}
		}
	}
	if diags.HasErrors() {
		return diags
	}
	return append(checkHealthyDepends(c), findCycles(c)...)
}

// findCycles reports each dependency cycle once, at the depends_on of the
// first sandbox in it.
func findCycles(c *Config) hcl.Diagnostics {
	const (
		unvisited = iota
		visiting
		visited
	)
	state := map[string]int{}
	var stack []*Sandbox
	var diags hcl.Diagnostics
	reported := map[string]bool{}
	var visit func(s *Sandbox)
	visit = func(s *Sandbox) {
		state[s.Name] = visiting
		stack = append(stack, s)
		for _, d := range s.DependsOn {
			for _, t := range d.Targets {
				switch state[t] {
				case visiting:
					diags = append(diags, cycleDiag(stack, t, reported)...)
				case unvisited:
					visit(c.Lookup(t))
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[s.Name] = visited
	}
	for _, s := range c.Sandboxes {
		if state[s.Name] == unvisited {
			visit(s)
		}
	}
	return diags
}

// cycleDiag describes the cycle that runs from target through the end of
// stack back to target, unless a cycle at the same place was reported.
func cycleDiag(stack []*Sandbox, target string, reported map[string]bool) hcl.Diagnostics {
	i := len(stack) - 1
	for stack[i].Name != target {
		i--
	}
	var names []string
	for _, s := range stack[i:] {
		names = append(names, s.Name)
	}
	names = append(names, target)
	first := stack[i]
	r := first.Range("depends_on")
	key := r.String()
	if reported[key] {
		return nil
	}
	reported[key] = true
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Dependency cycle",
		Detail:   fmt.Sprintf("These sandboxes depend on each other in a cycle: %s. Remove one of the dependencies.", strings.Join(names, " → ")),
		Subject:  r.Ptr(),
	}}
}
