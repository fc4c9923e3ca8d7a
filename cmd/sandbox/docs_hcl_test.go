package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher/rootfs"
)

// TestDocsHCLBlocks checks every ```hcl block of README.md and docs/*.md:
// a configuration must pass `sandbox validate`; a block marked
// "hcl fragment" must parse and name only attributes and blocks of the
// schema; one marked "hcl lock" must read as a lock file (see docs_test.go).
func TestDocsHCLBlocks(t *testing.T) {
	schema := newDocSchema()
	blocks := 0
	for _, p := range docPages(t) {
		for _, b := range p.Blocks {
			if b.Lang() != "hcl" {
				continue
			}
			blocks++
			var problems []string
			switch {
			case b.HasTag("fragment"):
				problems = schema.checkFragment(b.Text)
			case b.HasTag("lock"):
				problems = readDocLock(t, b.Text)
			default:
				problems = validateDocBlock(t, b.Text)
			}
			for _, msg := range problems {
				t.Errorf("%s: hcl block: %s", where(p, b.Line), msg)
			}
		}
	}
	if blocks < 10 {
		t.Errorf("checked %d hcl blocks, want every one the pages hold", blocks)
	}
}

// readDocLock reads src as a sandbox.lock.hcl, as up and lock do.
func readDocLock(t *testing.T, src string) []string {
	path := filepath.Join(t.TempDir(), rootfs.LockFileName)
	if err := os.WriteFile(path, []byte(src+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := rootfs.ReadLock(path); err != nil {
		return []string{err.Error()}
	}
	return nil
}

// validateDocBlock runs `sandbox validate` on src as a file of its own, on
// a faked host, and returns its diagnostics if it fails for anything but
// the host paths it names, which do not exist next to the copy.
func validateDocBlock(t *testing.T, src string) []string {
	path := filepath.Join(t.TempDir(), "doc.hcl")
	if err := os.WriteFile(path, []byte(src+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr,
		lookupEnv: func(string) (string, bool) { return "", false }, probeHost: fakeHost}
	if code := e.main([]string{"validate", path}); code != exitOK && !onlyMissingPaths(stderr.String()) {
		return []string{fmt.Sprintf("sandbox validate: exit %d (mark a part of a file as ```hcl fragment):\n%s", code, stderr.String())}
	}
	return nil
}

// hclSpan is a code span that is HCL: an attribute or a one-line block.
var hclSpan = regexp.MustCompile(`^[a-z_][a-z0-9_]*( = [^=]| \{)`)

// TestDocsHCLSpans checks the code spans that are HCL, `init = true` or
// `limits { strict = false }`: each must parse, and name only attributes
// and blocks of the schema.
func TestDocsHCLSpans(t *testing.T) {
	schema := newDocSchema()
	spans := 0
	for _, p := range docPages(t) {
		for _, s := range p.Spans {
			if !hclSpan.MatchString(s.Text) {
				continue
			}
			spans++
			for _, msg := range schema.checkFragment(s.Text) {
				t.Errorf("%s: `%s`: %s", where(p, s.Line), s.Text, msg)
			}
		}
	}
	if spans < 10 {
		t.Errorf("checked %d HCL spans, want every one the pages hold", spans)
	}
}

var (
	attrHeader = regexp.MustCompile("^(?:`([a-z_.]+)` )?attribute$")
	identifier = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)
)

// TestDocsAttributeTables checks the tables of attributes: in a table
// whose first header cell is "attribute" or "`BLOCK` attribute", each name
// of the first column is an attribute of a sandbox, or of that block.
// docs/reference.md is left to config/reference_test.go, which reads its
// headings for the block of each table.
func TestDocsAttributeTables(t *testing.T) {
	schema := newDocSchema()
	for _, p := range docPages(t) {
		if filepath.Base(p.Path) == "reference.md" {
			continue
		}
		for _, s := range p.Spans {
			if s.Row == nil || s.Cell != 0 || !identifier.MatchString(s.Text) {
				continue
			}
			m := attrHeader.FindStringSubmatch(s.Row.Header[0])
			if m == nil {
				continue
			}
			block := m[1]
			if block == "" {
				block = "sandbox"
			}
			if !schema.hasIn(block, s.Text) {
				t.Errorf("%s: `%s` is not an attribute of %s blocks", where(p, s.Line), s.Text, block)
			}
		}
	}
}

// docSchema is config.SchemaDoc as a set of dotted paths.
type docSchema map[string]bool

func newDocSchema() docSchema {
	s := docSchema{}
	for _, p := range config.SchemaDoc() {
		s[p] = true
	}
	return s
}

// hasIn reports whether a block whose path is, or ends in, block has the
// attribute or block name: "limits" stands for sandbox.limits and
// batch.limits.
func (s docSchema) hasIn(block, name string) bool {
	for p := range s {
		if (p == block || strings.HasSuffix(p, "."+block)) && s[p+"."+name] {
			return true
		}
	}
	return false
}

// contexts are the places a fragment may sit: the top level of a file and
// every block that has attributes of its own.
func (s docSchema) contexts() []string {
	out := []string{""}
	for p := range s {
		if s.hasChildren(p) {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

func (s docSchema) hasChildren(path string) bool {
	for p := range s {
		if strings.HasPrefix(p, path+".") {
			return true
		}
	}
	return false
}

// checkFragment parses src as HCL and checks that its attributes and
// blocks are all the schema's at one place (the top level, or inside a
// sandbox, a limits block, ...), and so on down its blocks.
// A "..." stands for what is left out: `limits { ... }`, `command = [...]`.
func (s docSchema) checkFragment(src string) []string {
	src = strings.ReplaceAll(src, "...", "")
	f, diags := hclsyntax.ParseConfig([]byte(src), "fragment.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		return []string{"does not parse: " + diags.Error()}
	}
	body := f.Body.(*hclsyntax.Body)
	var best []string
	for i, ctx := range s.contexts() {
		problems := s.checkBody(ctx, body)
		if len(problems) == 0 {
			return nil
		}
		if i == 0 || len(problems) < len(best) {
			best = problems
		}
	}
	return best
}

// checkBody checks the names of body against the block at path; a block
// whose body is free-form (locals) is not looked into.
func (s docSchema) checkBody(path string, body *hclsyntax.Body) []string {
	var problems []string
	at := path
	if at == "" {
		at = "the top level"
	}
	names := make([]string, 0, len(body.Attributes))
	for name := range body.Attributes {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if !s[schemaJoin(path, name)] {
			problems = append(problems, fmt.Sprintf("%s has no attribute %s", at, name))
		}
	}
	for _, b := range body.Blocks {
		p := schemaJoin(path, b.Type)
		switch {
		case !s[p]:
			problems = append(problems, fmt.Sprintf("%s has no block %s", at, b.Type))
		case s.hasChildren(p):
			problems = append(problems, s.checkBody(p, b.Body)...)
		}
	}
	return problems
}

func schemaJoin(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// TestDocsFragmentCheck checks the fragment check itself: names out of
// place are found, and free-form bodies are not looked into.
func TestDocsFragmentCheck(t *testing.T) {
	s := newDocSchema()
	for src, want := range map[string]bool{
		`restart = "always"`:                                    true,
		`limits { strict = false }`:                             true,
		"depends_on = [\"db\"]\nlimits {\n  memory = \"1G\"\n}": true,
		"locals {\n  anything = 1\n}":                           true,
		`memory = "64MiB"`:                                      true, // inside limits
		`restarts = "always"`:                                   false,
		`limits { swap = "1G" }`:                                false,
		"memory = \"1G\"\ncommand = [\"x\"]":                    false, // no block has both
		`mount { type = "bind" source = "./d" }`:                false, // one attribute per one-line block
	} {
		if got := len(s.checkFragment(src)) == 0; got != want {
			t.Errorf("checkFragment(%q) passes = %v, want %v: %v", src, got, want, s.checkFragment(src))
		}
	}
}
