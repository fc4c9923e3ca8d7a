package main

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hclsandbox/sandbox/config"
)

// printError writes one of the launcher's own errors to stderr: as
// "sandbox: msg", or with --format json as one JSON object on a line,
// shaped as the diagnostics are ({"severity":"error","summary":msg}), so
// that a program reading stderr gets every error in the one format.
func (e *env) printError(msg string) {
	if e.format == "json" {
		config.WriteDiagnosticsJSON(e.stderr, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: msg}})
		return
	}
	fmt.Fprintf(e.stderr, "sandbox: %s\n", msg)
}

// printDiags writes diagnostics to stderr in the chosen format.
func (e *env) printDiags(diags hcl.Diagnostics, files map[string]*hcl.File) {
	if e.format == "json" {
		config.WriteDiagnosticsJSON(e.stderr, diags)
		return
	}
	config.WriteDiagnostics(e.stderr, diags, files, config.RenderOptions{Color: e.color})
}
