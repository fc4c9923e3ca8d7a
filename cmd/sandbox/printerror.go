package main

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hclsandbox/sandbox/config"
)

// printError writes one of the launcher's own errors to stderr in the
// chosen format (config.PrintError).
func (e *env) printError(msg string) { config.PrintError(e.stderr, e.format == "json", msg) }

// printDiags writes diagnostics to stderr in the chosen format.
func (e *env) printDiags(diags hcl.Diagnostics, files map[string]*hcl.File) {
	config.PrintDiagnostics(e.stderr, e.format == "json", e.color, diags, files)
}
