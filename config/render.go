package config

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// RenderOptions control how diagnostics are written.
type RenderOptions struct {
	// Color adds ANSI colors, for a terminal.
	Color bool
}

// WriteDiagnostics writes each diagnostic as "file:line:col: severity:
// summary", the source line with the bad part marked, and the detail.
// files supplies the source text for snippets.
func WriteDiagnostics(w io.Writer, diags hcl.Diagnostics, files map[string]*hcl.File, opts RenderOptions) error {
	bw := bufio.NewWriter(w)
	src := &sources{files: files, lines: map[string][][]byte{}}
	for _, d := range diags {
		writeDiagnostic(bw, d, src, opts)
	}
	return bw.Flush()
}

// sources are the files diagnostics point into, each split into lines
// once, however many diagnostics it has.
type sources struct {
	files map[string]*hcl.File
	lines map[string][][]byte
}

// line returns line n (from 1) of the named file, and whether it has one.
func (s *sources) line(name string, n int) ([]byte, bool) {
	lines, ok := s.lines[name]
	if !ok {
		if f := s.files[name]; f != nil {
			lines = bytes.Split(f.Bytes, []byte("\n"))
		}
		s.lines[name] = lines
	}
	if n < 1 || n > len(lines) {
		return nil, false
	}
	return lines[n-1], true
}

func writeDiagnostic(w *bufio.Writer, d *hcl.Diagnostic, src *sources, opts RenderOptions) {
	sev, color := "error", "\x1b[1;31m"
	if d.Severity == hcl.DiagWarning {
		sev, color = "warning", "\x1b[1;33m"
	}
	if opts.Color {
		sev = color + sev + "\x1b[0m"
	}
	if d.Subject != nil {
		fmt.Fprintf(w, "%s:%d:%d: ", d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column)
	}
	fmt.Fprintf(w, "%s: %s\n", sev, d.Summary)
	if d.Subject != nil {
		writeSnippet(w, *d.Subject, src, opts)
	}
	if d.Detail != "" {
		for _, line := range strings.Split(d.Detail, "\n") {
			if line == "" {
				w.WriteString("\n")
				continue
			}
			fmt.Fprintf(w, "  %s\n", line)
		}
	}
}

// writeSnippet prints the first line of rng with a marker under the range.
func writeSnippet(w *bufio.Writer, rng hcl.Range, src *sources, opts RenderOptions) {
	text, ok := src.line(rng.Filename, rng.Start.Line)
	if !ok {
		return
	}
	line := strings.TrimRight(string(text), "\r")
	line = strings.ReplaceAll(line, "\t", " ")
	start := min(max(rng.Start.Column-1, 0), len(line))
	end := len(line)
	if rng.End.Line == rng.Start.Line {
		end = min(max(rng.End.Column-1, start+1), max(len(line), start+1))
	}
	num := fmt.Sprintf("%d", rng.Start.Line)
	pad := strings.Repeat(" ", len(num))
	marker := strings.Repeat(" ", start) + strings.Repeat("^", max(end-start, 1))
	if opts.Color {
		marker = "\x1b[1;31m" + marker + "\x1b[0m"
	}
	fmt.Fprintf(w, "  %s | %s\n  %s | %s\n", num, line, pad, marker)
}
