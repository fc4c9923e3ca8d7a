package config

import (
	"bytes"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hclsandbox/sandbox/internal/parallel"
)

// chunkSize is the size above which a file is parsed in pieces: a file of
// thousands of blocks parses several times faster as pieces of this size
// (the lexer's token slice no longer grows to tens of megabytes), and the
// pieces parse in parallel.
const chunkSize = 64 << 10

// parseHCL parses src as HCL native syntax. A large file is cut at the
// lines that close a top-level block ("}" alone on a line, followed by a
// line that starts a new item) and the pieces are parsed in parallel with
// their true positions; their bodies are then joined in order. If any
// piece has a diagnostic, or two pieces set the same top-level attribute,
// the whole file is parsed again in one go, so that every diagnostic is
// exactly the one a single parse gives.
func parseHCL(src []byte, name string) (*hcl.File, hcl.Diagnostics) {
	cuts := topLevelCuts(src)
	if len(cuts) == 0 {
		return hclsyntax.ParseConfig(src, name, hcl.InitialPos)
	}
	files := parsePieces(src, name, cuts)
	if f := joinPieces(files, src); f != nil {
		return f, nil
	}
	return hclsyntax.ParseConfig(src, name, hcl.InitialPos)
}

// piece is one parsed part of a file.
type piece struct {
	file  *hcl.File
	diags hcl.Diagnostics
}

// topLevelCuts returns the starts of the pieces after the first: offsets
// about chunkSize apart, each the start of a line that follows a line that
// is "}" alone, and begins with a letter. A file with a carriage return is
// never cut.
func topLevelCuts(src []byte) []hcl.Pos {
	if len(src) < 2*chunkSize || bytes.IndexByte(src, '\r') >= 0 {
		return nil
	}
	var cuts []hcl.Pos
	line, last := 1, 0
	for i := 0; i < len(src); i++ {
		if src[i] != '\n' {
			continue
		}
		line++
		next := i + 1
		if next-last < chunkSize || next >= len(src) || !isLetter(src[next]) {
			continue
		}
		if i >= 1 && src[i-1] == '}' && (i == 1 || src[i-2] == '\n') {
			cuts = append(cuts, hcl.Pos{Line: line, Column: 1, Byte: next})
			last = next
		}
	}
	return cuts
}

func isLetter(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// parsePieces parses the pieces between cuts, on every core.
func parsePieces(src []byte, name string, cuts []hcl.Pos) []piece {
	starts := append([]hcl.Pos{hcl.InitialPos}, cuts...)
	out := make([]piece, len(starts))
	parallel.For(len(starts), 1, func(i int) {
		end := len(src)
		if i+1 < len(starts) {
			end = starts[i+1].Byte
		}
		f, d := hclsyntax.ParseConfig(src[starts[i].Byte:end], name, starts[i])
		out[i] = piece{f, d}
	})
	return out
}

// joinPieces appends the bodies of the later pieces to the first and makes
// its file the whole source, or returns nil when the pieces cannot stand
// for one parse: a piece with a diagnostic, or an attribute set twice.
func joinPieces(pieces []piece, src []byte) *hcl.File {
	for _, p := range pieces {
		if len(p.diags) > 0 {
			return nil
		}
	}
	first := pieces[0].file
	body := first.Body.(*hclsyntax.Body)
	for _, p := range pieces[1:] {
		b := p.file.Body.(*hclsyntax.Body)
		for name, attr := range b.Attributes {
			if _, dup := body.Attributes[name]; dup {
				return nil
			}
			body.Attributes[name] = attr
		}
		body.Blocks = append(body.Blocks, b.Blocks...)
		body.SrcRange.End = b.SrcRange.End
		body.EndRange = b.EndRange
	}
	first.Bytes = src
	return first
}
