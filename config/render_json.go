package config

import (
	"encoding/json"
	"io"

	"github.com/hashicorp/hcl/v2"
)

// JSONDiagnostic is the form of one diagnostic in `--format json` output.
// Positions are 1-based; a diagnostic without a source range has an empty
// Filename and zero positions.
type JSONDiagnostic struct {
	Severity    string `json:"severity"`
	Summary     string `json:"summary"`
	Detail      string `json:"detail"`
	Filename    string `json:"filename"`
	StartLine   int    `json:"start_line"`
	StartColumn int    `json:"start_column"`
	EndLine     int    `json:"end_line"`
	EndColumn   int    `json:"end_column"`
}

// NewJSONDiagnostic converts an hcl.Diagnostic for JSON output.
func NewJSONDiagnostic(d *hcl.Diagnostic) JSONDiagnostic {
	out := JSONDiagnostic{Severity: "error", Summary: d.Summary, Detail: d.Detail}
	if d.Severity == hcl.DiagWarning {
		out.Severity = "warning"
	}
	if r := d.Subject; r != nil {
		out.Filename = r.Filename
		out.StartLine, out.StartColumn = r.Start.Line, r.Start.Column
		out.EndLine, out.EndColumn = r.End.Line, r.End.Column
	}
	return out
}

// WriteDiagnosticsJSON writes one JSON object per line for each diagnostic,
// for editors and CI.
func WriteDiagnosticsJSON(w io.Writer, diags hcl.Diagnostics) error {
	enc := json.NewEncoder(w)
	for _, d := range diags {
		if err := enc.Encode(NewJSONDiagnostic(d)); err != nil {
			return err
		}
	}
	return nil
}
