package config

import (
	"fmt"
	"io"

	"github.com/hashicorp/hcl/v2"
)

// PrintError writes one of the launcher's own errors to w: as
// "sandbox: msg", or with asJSON as one JSON object on a line, shaped as
// the diagnostics are ({"severity":"error","summary":msg}), so that a
// program reading stderr gets every error in the one format.
func PrintError(w io.Writer, asJSON bool, msg string) {
	if asJSON {
		WriteDiagnosticsJSON(w, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: msg}})
		return
	}
	fmt.Fprintf(w, "sandbox: %s\n", msg)
}

// PrintDiagnostics writes diags to w: as JSON lines with asJSON, else as
// text, in color when color is set.
func PrintDiagnostics(w io.Writer, asJSON, color bool, diags hcl.Diagnostics, files map[string]*hcl.File) {
	if asJSON {
		WriteDiagnosticsJSON(w, diags)
		return
	}
	WriteDiagnostics(w, diags, files, RenderOptions{Color: color})
}
