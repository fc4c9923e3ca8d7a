package config

import (
	"slices"
	"sort"
	"testing"

	"github.com/hclsandbox/sandbox/internal/refdoc"
)

// TestReferenceSchema fails when a block or attribute of the language is
// missing from docs/reference.md, or the page documents one that the
// schema does not have.
func TestReferenceSchema(t *testing.T) {
	doc, err := refdoc.Read("../docs/reference.md")
	if err != nil {
		t.Fatal(err)
	}
	schema := SchemaDoc()
	if len(schema) < 50 {
		t.Fatalf("SchemaDoc() lists %d names, want the whole language", len(schema))
	}
	for _, name := range schema {
		if !doc.Schema[name] {
			t.Errorf("%s is in the schema but not in docs/reference.md", name)
		}
	}
	for _, name := range sortedKeys(doc.Schema) {
		if !slices.Contains(schema, name) {
			t.Errorf("docs/reference.md documents %s, which the schema does not have", name)
		}
	}
}

// TestReferenceFunctions does the same for the functions.
func TestReferenceFunctions(t *testing.T) {
	doc, err := refdoc.Read("../docs/reference.md")
	if err != nil {
		t.Fatal(err)
	}
	fns := fileFunctions(stdFunctions(), t.TempDir(), nil, readTextFile)
	for name := range fns {
		if !doc.Functions[name] {
			t.Errorf("function %s is not in docs/reference.md", name)
		}
	}
	for _, name := range sortedKeys(doc.Functions) {
		if _, ok := fns[name]; !ok {
			t.Errorf("docs/reference.md documents function %s, which does not exist", name)
		}
	}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
