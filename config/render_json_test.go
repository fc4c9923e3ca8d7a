package config

import (
	"bytes"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

func TestWriteDiagnosticsJSON(t *testing.T) {
	diags := hcl.Diagnostics{
		{Severity: hcl.DiagError, Summary: "Bad", Detail: "Very bad.", Subject: &hcl.Range{
			Filename: "a.hcl", Start: hcl.Pos{Line: 2, Column: 3}, End: hcl.Pos{Line: 2, Column: 9}}},
		{Severity: hcl.DiagWarning, Summary: "Odd"},
	}
	var b bytes.Buffer
	if err := WriteDiagnosticsJSON(&b, diags); err != nil {
		t.Fatal(err)
	}
	want := `{"severity":"error","summary":"Bad","detail":"Very bad.","filename":"a.hcl","start_line":2,"start_column":3,"end_line":2,"end_column":9}
{"severity":"warning","summary":"Odd","detail":"","filename":"","start_line":0,"start_column":0,"end_line":0,"end_column":0}
`
	if b.String() != want {
		t.Errorf("WriteDiagnosticsJSON =\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestWriteDiagnosticsColor(t *testing.T) {
	diags := hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Bad"}}
	var plain, color bytes.Buffer
	WriteDiagnostics(&plain, diags, nil, RenderOptions{})
	WriteDiagnostics(&color, diags, nil, RenderOptions{Color: true})
	if plain.String() != "error: Bad\n" {
		t.Errorf("plain = %q, want %q", plain.String(), "error: Bad\n")
	}
	if !bytes.Contains(color.Bytes(), []byte("\x1b[")) {
		t.Errorf("color = %q, want ANSI escapes", color.String())
	}
}
