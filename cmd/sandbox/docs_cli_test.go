package main

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/internal/refdoc"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// programs are how the pages spell the sandbox binary on a command line.
var programs = map[string]bool{"sandbox": true, "bin/sandbox": true, "./bin/sandbox": true, "/usr/local/bin/sandbox": true}

// TestDocsCommands checks that every sandbox command line of README.md and
// docs/*.md names commands and flags that exist (see docs_test.go).
func TestDocsCommands(t *testing.T) {
	tree := newDocTree()
	checked := 0
	for _, p := range docPages(t) {
		for _, cl := range codeLines(p) {
			for _, words := range commandWords(cl.text, cl.block) {
				problems, ok := tree.checkLine(words, !cl.block)
				if ok {
					checked++
				}
				for _, msg := range problems {
					t.Errorf("%s: `%s`: %s", where(p, cl.line), strings.Join(words, " "), msg)
				}
			}
		}
	}
	if checked < 50 {
		t.Errorf("checked %d command lines, want every one the pages hold", checked)
	}
}

// codeLine is a code span, or one line of a fenced block that is not HCL.
type codeLine struct {
	text  string
	line  int
	block bool
}

// codeLines returns a page's code spans and the command lines of its
// fenced blocks; a console block's commands are the lines after "$ ".
func codeLines(p *refdoc.Page) []codeLine {
	var out []codeLine
	for _, s := range p.Spans {
		out = append(out, codeLine{text: s.Text, line: s.Line})
	}
	for _, b := range p.Blocks {
		if b.Lang() == "hcl" {
			continue
		}
		for i, l := range strings.Split(b.Text, "\n") {
			if b.Lang() == "console" {
				var ok bool
				if l, ok = strings.CutPrefix(l, "$ "); !ok {
					continue
				}
			}
			out = append(out, codeLine{text: l, line: b.Line + i, block: true})
		}
	}
	return out
}

// commandWords splits a command line into commands, each a list of words:
// quotes group words and are dropped; ;, &, &&, || and $( ... ), <( ... )
// separate commands, and so does | in a block (in a span it is the
// alternation of a usage line); in a block, # starts a comment.
func commandWords(text string, block bool) [][]string {
	var cmds [][]string
	var words []string
	var cur strings.Builder
	inWord := false
	var quote byte
	endWord := func() {
		if inWord {
			words = append(words, cur.String())
			cur.Reset()
			inWord = false
		}
	}
	endCmd := func() {
		endWord()
		if len(words) > 0 {
			cmds = append(cmds, words)
		}
		words = nil
	}
	for i := 0; i < len(text); i++ {
		c, next := text[i], byte(0)
		if i+1 < len(text) {
			next = text[i+1]
		}
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				cur.WriteByte(c)
			}
		case c == '\'' || c == '"':
			quote, inWord = c, true
		case c == ' ' || c == '\t':
			endWord()
		case c == '#' && !inWord && block:
			endCmd()
			return cmds
		case c == ';' || c == '&' || c == ')' || c == '|' && (block || next == '|'):
			endCmd()
			if next == c {
				i++
			}
		case (c == '$' || c == '<') && next == '(' && !inWord, c == '(' && !inWord:
			endCmd()
			if c != '(' {
				i++
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	endCmd()
	return cmds
}

// skipPrefix drops what comes before the program: sudo, env and
// VARIABLE=value assignments.
func skipPrefix(words []string) []string {
	for len(words) > 0 && (words[0] == "sudo" || words[0] == "env" || assignment.MatchString(words[0])) {
		words = words[1:]
	}
	return words
}

var assignment = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*=`)

// docTree is the command tree the binary builds, for checking the
// command lines of the pages.
type docTree struct {
	root *cobra.Command
	// long and short are every flag name and shorthand of any command.
	long, short map[string]bool
}

func newDocTree() *docTree {
	d := &docTree{root: newRootCmd(&env{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}, nil),
		long: map[string]bool{"help": true}, short: map[string]bool{"h": true}}
	d.root.InitDefaultHelpCmd()     // cobra adds `sandbox help` when it runs
	d.root.InitDefaultVersionFlag() // and `sandbox --version`
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		add := func(f *pflag.Flag) {
			d.long[f.Name] = true
			if f.Shorthand != "" {
				d.short[f.Shorthand] = true
			}
		}
		c.Flags().VisitAll(add)
		c.PersistentFlags().VisitAll(add)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(d.root)
	return d
}

// checkLine checks one command. It returns the problems, and whether the
// command was one of sandbox's: a program in programs, or in a span, a
// command's name followed by a flag (`up -d`), or a flag alone (`--json`).
func (d *docTree) checkLine(words []string, span bool) ([]string, bool) {
	words = skipPrefix(words)
	switch {
	case len(words) == 0:
		return nil, false
	case slices.Contains(words, "{"):
		return nil, false // HCL: sandbox "web" { ... }
	case programs[words[0]]:
		return d.check(words[1:]), true
	case span && len(words) > 1 && child(d.root, words[0]) != nil && strings.HasPrefix(words[1], "-"):
		return d.check(words), true
	case span && flagWord.MatchString(words[0]):
		return d.checkAnyFlag(words[0]), true
	}
	return nil, false
}

var (
	flagWord   = regexp.MustCompile(`^--?[a-zA-Z]`)
	shortFlags = regexp.MustCompile(`^-[a-zA-Z]+$`)
	// placeholder is a usage line's stand-in for an argument: FILE, NAME.
	placeholder = regexp.MustCompile(`^[A-Z][A-Z_|]*$`)
)

// check walks the words after the program down the command tree, and
// checks each flag against the command it reaches, as cobra parses them:
// "--" ends the flags, and so does the first argument of a command that
// takes flags only before its arguments (exec).
func (d *docTree) check(words []string) []string {
	cmd, positional := d.root, 0
	var problems []string
	for i := 0; i < len(words); i++ {
		w := strings.Trim(strings.TrimSuffix(words[i], "..."), "[]")
		switch {
		case w == "":
			// "...": a usage line's "and so on"
		case w == "--":
			return problems
		case strings.HasPrefix(w, "--"):
			name, _, hasValue := strings.Cut(w[2:], "=")
			f := lookupFlag(cmd, name)
			if f == nil {
				problems = append(problems, fmt.Sprintf("%s has no flag --%s", cmd.CommandPath(), name))
			} else if takesValue(f) && !hasValue {
				i++
			}
		case shortFlags.MatchString(w):
			for j := 1; j < len(w); j++ {
				f := lookupShort(cmd, w[j:j+1])
				if f == nil {
					problems = append(problems, fmt.Sprintf("%s has no flag -%s", cmd.CommandPath(), w[j:j+1]))
					continue
				}
				if takesValue(f) {
					if j == len(w)-1 {
						i++
					}
					break
				}
			}
		default:
			if positional == 0 {
				if sub := child(cmd, w); sub != nil {
					cmd = sub
					continue
				}
				if !cmd.Runnable() && !placeholder.MatchString(w) {
					return append(problems, fmt.Sprintf("%s has no command %q", cmd.CommandPath(), w))
				}
			}
			positional++
			if !interspersed(cmd) {
				return problems
			}
		}
	}
	return problems
}

// checkAnyFlag checks a flag written alone, as in "`--json` prints ...":
// some command must have it.
func (d *docTree) checkAnyFlag(w string) []string {
	if name, ok := strings.CutPrefix(w, "--"); ok {
		name, _, _ = strings.Cut(name, "=")
		if !d.long[name] {
			return []string{"no command has the flag --" + name}
		}
		return nil
	}
	if !shortFlags.MatchString(w) {
		return nil
	}
	var problems []string
	for _, r := range w[1:] {
		if !d.short[string(r)] {
			problems = append(problems, "no command has the flag -"+string(r))
		}
	}
	return problems
}

// child returns c's subcommand called name; "a|b" names one of several,
// all of which must exist.
func child(c *cobra.Command, name string) *cobra.Command {
	var first *cobra.Command
	for _, alt := range strings.Split(name, "|") {
		var found *cobra.Command
		for _, sub := range c.Commands() {
			if sub.Name() == alt || sub.HasAlias(alt) {
				found = sub
			}
		}
		if found == nil {
			return nil
		}
		if first == nil {
			first = found
		}
	}
	return first
}

func lookupFlag(c *cobra.Command, name string) *pflag.Flag {
	if f := c.Flags().Lookup(name); f != nil {
		return f
	}
	if name == "help" {
		return &pflag.Flag{Name: "help", NoOptDefVal: "true"}
	}
	return c.InheritedFlags().Lookup(name)
}

func lookupShort(c *cobra.Command, s string) *pflag.Flag {
	if f := c.Flags().ShorthandLookup(s); f != nil {
		return f
	}
	if s == "h" {
		return &pflag.Flag{Name: "help", NoOptDefVal: "true"}
	}
	return c.InheritedFlags().ShorthandLookup(s)
}

// interspersed reports whether c takes flags after its arguments. pflag
// keeps this to itself, so ask a parse: a flag after an argument is parsed
// (and, being unknown, refused) only when flags are interspersed.
func interspersed(c *cobra.Command) bool {
	return c.Flags().Parse([]string{"argument", "--no-such-flag-of-sandbox"}) != nil
}

// TestDocsCommandCheck checks the command-line check itself.
func TestDocsCommandCheck(t *testing.T) {
	tree := newDocTree()
	for _, c := range []struct {
		line  string
		span  bool
		fails bool
	}{
		{"sudo sandbox up -d --parallel 4 examples/batch.hcl", false, false},
		{"sandbox exec -it web /bin/sh -c 'ls -l'", false, false},
		{"sandbox run examples/busybox.hcl busybox -- /bin/sh -x", false, false},
		{"source <(sandbox completion bash)", false, false},
		{"sandbox completion bash|zsh|fish|powershell", true, false},
		{"sandbox stop NAME... | --all", true, false},
		{"sudo sandbox ...", true, false},
		{`sandbox "web" { ... }`, true, false},
		{"sandbox logs [-f] [--tail N] NAME", true, false},
		{"up --watch", true, false},
		{"-p N", true, false},
		{"sbatch --mem", true, false},
		{"sandbox ps --json | jq .", false, false},
		{"sandbox up --no-such-flag", false, true},
		{"sandbox exec web -x", false, false}, // after NAME, the command's own
		{"sandbox exec -x web sh", false, true},
		{"sandbox start web", false, true},
		{"sandbox export tar x", false, true},
		{"sandbox logs -z web", false, true},
		{"ps --all", true, true},
		{"--no-such-flag", true, true},
	} {
		var problems []string
		for _, words := range commandWords(c.line, !c.span) {
			p, _ := tree.checkLine(words, c.span)
			problems = append(problems, p...)
		}
		if got := len(problems) > 0; got != c.fails {
			t.Errorf("check of %q fails = %v, want %v: %v", c.line, got, c.fails, problems)
		}
	}
}

// TestDocsReadmeCommands checks that README.md's table of commands names
// every command: a row's first cell lists them as `sandbox up`, `run`.
func TestDocsReadmeCommands(t *testing.T) {
	p, err := refdoc.ReadPage("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, s := range p.Spans {
		if s.Row == nil || s.Cell != 0 || s.Row.Header[0] != "command" {
			continue
		}
		words := strings.Fields(s.Text)
		if len(words) > 1 && programs[words[0]] {
			words = words[1:]
		}
		listed[words[0]] = true
	}
	tree := newDocTree()
	for _, c := range tree.root.Commands() {
		if !c.Hidden && c.Name() != "help" && !listed[c.Name()] {
			t.Errorf("README.md's table of commands lacks sandbox %s", c.Name())
		}
	}
}
