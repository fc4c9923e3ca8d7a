package config

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// shape lists every syntax node of f with its type and range, sorted (a
// body's attributes are a map, walked in no fixed order): two parses with
// the same shape built the same tree.
func shape(t *testing.T, f *hcl.File) []string {
	t.Helper()
	var out []string
	hclsyntax.VisitAll(f.Body.(*hclsyntax.Body), func(n hclsyntax.Node) hcl.Diagnostics {
		if _, ok := n.(hclsyntax.Attributes); ok {
			// Its range is that of whichever attribute the map yields first.
			out = append(out, "hclsyntax.Attributes")
			return nil
		}
		out = append(out, fmt.Sprintf("%T %s", n, n.Range()))
		return nil
	})
	slices.Sort(out)
	return out
}

// bigFile repeats item (a format with %d for the index) until src passes
// several pieces' worth, then appends tail.
func bigFile(item, tail string) []byte {
	var b strings.Builder
	for i := 0; b.Len() < 5*chunkSize; i++ {
		fmt.Fprintf(&b, item, i)
	}
	b.WriteString(tail)
	return []byte(b.String())
}

// TestParsePiecesSameTree: a large file parsed in pieces gives the tree,
// the ranges and the diagnostics of one parse, including files whose cut
// points fall inside heredocs, comments and nested blocks, and files with
// errors or a repeated top-level attribute in a later piece.
func TestParsePiecesSameTree(t *testing.T) {
	block := "sandbox \"s%d\" {\n  command = [\"/bin/echo\", \"${upper(\"x\")}\"]\n  limits {\n    pids = 32\n  }\n}\n"
	heredoc := "locals {\n  t%d = <<EOT\n}\nsandbox \"x\" {\n}\nEOT\n}\n"
	comment := "/*\n}\nsandbox \"c%d\" {\n}\n*/\nsandbox \"s%[1]d\" {\n  command = [\"a\"]\n}\n"
	cases := map[string][]byte{
		"blocks":           bigFile(block, ""),
		"heredocs":         bigFile(heredoc+block, ""),
		"comments":         bigFile(comment, ""),
		"error at the end": bigFile(block, "sandbox \"bad\" {\n  command = [\n}\n"),
		"attribute twice":  bigFile("a%d = 1\n"+block, "a0 = 2\n"),
		"top attributes":   bigFile("x%d = {\n}\nsandbox \"s%[1]d\" {\n}\n", ""),
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			if len(topLevelCuts(src)) == 0 {
				t.Fatal("the file is never cut: the test proves nothing")
			}
			want, wantDiags := hclsyntax.ParseConfig(src, "big.hcl", hcl.InitialPos)
			got, gotDiags := parseHCL(src, "big.hcl")
			if fmt.Sprint(gotDiags) != fmt.Sprint(wantDiags) {
				t.Fatalf("diagnostics differ:\n got %v\nwant %v", gotDiags, wantDiags)
			}
			if string(got.Bytes) != string(src) {
				t.Error("the file's bytes are not the whole source")
			}
			g, w := shape(t, got), shape(t, want)
			if strings.Join(g, "\n") != strings.Join(w, "\n") {
				i := 0
				for i < min(len(g), len(w)) && g[i] == w[i] {
					i++
				}
				t.Errorf("trees differ: %d nodes, want %d; first difference at %d: %q, want %q", len(g), len(w), i, g[min(i, len(g)-1)], w[min(i, len(w)-1)])
			}
		})
	}
}
