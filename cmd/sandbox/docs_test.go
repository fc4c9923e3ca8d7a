package main

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/internal/refdoc"
)

// The documentation tests hold README.md and docs/*.md to the code. What
// they check, and how a page marks what is not to be checked:
//
//   - README.md is at most readmeMax bytes: it is what a newcomer reads
//     first, and the rest belongs in docs/. Its table of commands (first
//     header cell "command") names every command.
//   - Every relative link names a file of the repository, and its #anchor
//     a heading of that page (as GitHub spells anchors).
//   - Code that runs sandbox (a code span, or a line of a fenced block
//     other than hcl) names commands that exist, with flags that command
//     has: `sandbox up -d`, `sudo sandbox exec -it web /bin/sh`, and a span
//     that starts with a command's name and a flag, `up --watch`. A span
//     that is a flag alone, `--json`, names a flag of some command. A span
//     that starts with another program, `sbatch --mem`, is that program's.
//   - `make TARGET` names a target of the Makefile; a span that is a path
//     of the repository, `examples/web.hcl`, names a file that exists.
//   - Attributes (docs_hcl_test.go): every ```hcl block is a configuration
//     that `sandbox validate` accepts, unless its info string says
//     `hcl fragment` (then it must parse, and every attribute and block in
//     it must be one the schema has at one place) or `hcl lock` (then it
//     must read as a sandbox.lock.hcl). A code span that is HCL,
//     `restart = "always"` or `limits { strict = false }`, is read as a
//     fragment too; in a fragment, "..." stands for what is left out. In a
//     table whose first header cell is "attribute" or "`BLOCK` attribute",
//     the names of the first column are attributes of a sandbox, or of
//     that block.
//
// Prose outside code is not checked.

// readmeMax is the most README.md may hold.
const readmeMax = 12 * 1024

// docPages reads README.md and every page of docs/.
func docPages(t *testing.T) []*refdoc.Page {
	t.Helper()
	paths, _ := filepath.Glob("../../docs/*.md")
	paths = append([]string{"../../README.md"}, paths...)
	var pages []*refdoc.Page
	for _, p := range paths {
		page, err := refdoc.ReadPage(p)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, page)
	}
	if len(pages) < 3 {
		t.Fatalf("read %d pages, want README.md and docs/*.md", len(pages))
	}
	return pages
}

// where names a line of a page for an error message: "docs/limits.md:12".
func where(p *refdoc.Page, line int) string {
	return strings.TrimPrefix(p.Path, "../../") + ":" + strconv.Itoa(line)
}

// TestDocsReadmeSize keeps README.md short.
func TestDocsReadmeSize(t *testing.T) {
	fi, err := os.Stat("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() > readmeMax {
		t.Errorf("README.md is %d bytes, more than %d: move what a newcomer does not need first to docs/", fi.Size(), readmeMax)
	}
}

// TestDocsLinks checks that every relative link, and its anchor, resolves.
func TestDocsLinks(t *testing.T) {
	pages := docPages(t)
	anchors := map[string]map[string]bool{}
	for _, p := range pages {
		anchors[filepath.Clean(p.Path)] = p.Anchors
	}
	for _, p := range pages {
		for _, l := range p.Links {
			if err := resolveLink(p.Path, l.Target, anchors); err != "" {
				t.Errorf("%s: link %s: %s", where(p, l.Line), l.Target, err)
			}
		}
	}
}

// resolveLink returns why target, linked from page, does not resolve, or "".
func resolveLink(page, target string, anchors map[string]map[string]bool) string {
	if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
		return ""
	}
	file, frag, _ := strings.Cut(target, "#")
	path := filepath.Clean(page)
	if file != "" {
		path = filepath.Join(filepath.Dir(page), file)
		if _, err := os.Stat(path); err != nil {
			return "no such file"
		}
	}
	if frag == "" {
		return ""
	}
	known, ok := anchors[path]
	if !ok {
		return "an anchor into a page the test does not read"
	}
	if !known["#"+frag] {
		return "no heading has the anchor #" + frag
	}
	return ""
}

var repoPath = regexp.MustCompile(`^(examples|docs|scripts|cmd|config|launcher|isolation|internal|bench|slurm|\.ci)/[A-Za-z0-9_.*/-]*$`)

// TestDocsPaths checks that the repository paths and make targets the
// pages name exist.
func TestDocsPaths(t *testing.T) {
	targets := makeTargets(t)
	for _, p := range docPages(t) {
		for _, s := range p.Spans {
			if repoPath.MatchString(s.Text) && !strings.HasPrefix(s.Text, "examples/rootfs/") {
				if m, _ := filepath.Glob("../../" + s.Text); len(m) == 0 {
					t.Errorf("%s: `%s` names no file of the repository", where(p, s.Line), s.Text)
				}
			}
		}
		for _, cl := range codeLines(p) {
			for _, words := range commandWords(cl.text, cl.block) {
				if target, ok := makeTarget(words); ok && !targets[target] {
					t.Errorf("%s: `make %s`: the Makefile has no target %s", where(p, cl.line), target, target)
				}
			}
		}
	}
}

// makeTargets reads the targets of the Makefile.
func makeTargets(t *testing.T) map[string]bool {
	f, err := os.Open("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rule := regexp.MustCompile(`^([a-z][a-z0-9-]*):`)
	out := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := rule.FindStringSubmatch(sc.Text()); m != nil {
			out[m[1]] = true
		}
	}
	if err := sc.Err(); err != nil || len(out) < 5 {
		t.Fatalf("read %d make targets: %v", len(out), err)
	}
	return out
}

// makeTarget returns the first target a make command line names.
func makeTarget(words []string) (string, bool) {
	words = skipPrefix(words)
	if len(words) < 2 || words[0] != "make" {
		return "", false
	}
	for _, w := range words[1:] {
		if !strings.HasPrefix(w, "-") && !strings.Contains(w, "=") {
			return w, true
		}
	}
	return "", false
}
