package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// limitNames are the limits that `optional` may name.
var limitNames = []string{"cpus", "memory", "memory_swap", "pids", "cpu_weight", "io_weight"}

// decodeOptional decodes the limits block's `optional`: a list of the
// limits, set in the same block, that the sandbox may run without. Each
// bad name is reported at its own element where the list is written out.
func decodeOptional(l *Limits, a *hcl.Attribute, attrs hcl.Attributes, ctx *hcl.EvalContext) hcl.Diagnostics {
	names, diags := stringList(a, ctx)
	if diags.HasErrors() {
		return diags
	}
	if !l.Strict {
		return invalid(a, "Optional limits without strict",
			"With strict = false every limit is already optional: drop one of the two.")
	}
	elems, _ := hcl.ExprList(a.Expr) // nil unless written as [ ... ]
	for i, name := range names {
		subject := a.Expr.Range()
		if len(elems) == len(names) {
			subject = elems[i].Range()
		}
		if d := checkOptionalName(name, names[:i], attrs); d != "" {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid optional limit",
				Detail: d, Subject: subject.Ptr()})
		}
	}
	if !diags.HasErrors() {
		l.Optional = names
	}
	return diags
}

// checkOptionalName says what is wrong with one name of `optional`, or "".
func checkOptionalName(name string, before []string, attrs hcl.Attributes) string {
	switch {
	case !slices.Contains(limitNames, name):
		return fmt.Sprintf("%q is not a limit; optional takes %s.", name, strings.Join(limitNames, ", "))
	case slices.Contains(before, name):
		return fmt.Sprintf("%q is listed twice.", name)
	case attrs[name] == nil:
		return fmt.Sprintf("%q is not set in this limits block: there is nothing to make optional.", name)
	}
	return ""
}
