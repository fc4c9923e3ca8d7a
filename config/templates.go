package config

import (
	"bytes"

	"github.com/hashicorp/hcl/v2"
)

// explainTemplates adds, to the diagnostics of text that HCL read as a
// template, how to write it literally: a printf format's %{...} or a
// shell's ${VAR} in a command are the usual cause.
func explainTemplates(diags hcl.Diagnostics, files map[string]*hcl.File) {
	for _, d := range diags {
		switch {
		case d.Summary == "Invalid template control keyword":
			d.Detail += " To write %{ literally (a printf or curl format, say), write %%{."
		case d.Summary == "Unknown variable" && afterDollarBrace(d.Subject, files):
			d.Detail += " To write ${ literally (a shell's variable, say), write $${."
		}
	}
}

// afterDollarBrace reports whether the range begins right after "${" in
// its file.
func afterDollarBrace(rng *hcl.Range, files map[string]*hcl.File) bool {
	if rng == nil {
		return false
	}
	f := files[rng.Filename]
	if f == nil || rng.Start.Byte < 2 || rng.Start.Byte > len(f.Bytes) {
		return false
	}
	return bytes.Equal(f.Bytes[rng.Start.Byte-2:rng.Start.Byte], []byte("${"))
}
