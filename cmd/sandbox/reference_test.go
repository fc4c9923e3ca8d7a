package main

import (
	"bytes"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/internal/refdoc"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// commands returns the root command and every visible command under it,
// cobra's completion commands included (newRootCmd makes them).
func commands(t *testing.T) []*cobra.Command {
	t.Helper()
	root := newRootCmd(&env{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}, nil)
	out := []*cobra.Command{root}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if sub.Hidden || sub.Name() == "help" {
				continue
			}
			out = append(out, sub)
			walk(sub)
		}
	}
	walk(root)
	if len(out) < 8 {
		t.Fatalf("found %d commands, want every one", len(out))
	}
	return out
}

// ownFlags are the long names of the flags a command defines itself; the
// root's persistent flags belong to the root.
func ownFlags(c *cobra.Command) []string {
	var names []string
	add := func(f *pflag.Flag) {
		if f.Name != "help" && !f.Hidden {
			names = append(names, f.Name)
		}
	}
	c.LocalNonPersistentFlags().VisitAll(add)
	if !c.HasParent() {
		c.PersistentFlags().VisitAll(add)
	}
	sort.Strings(names)
	return names
}

// TestReferenceCommands fails when a command or flag is missing from
// docs/reference.md, or the page documents one that does not exist.
func TestReferenceCommands(t *testing.T) {
	doc, err := refdoc.Read("../../docs/reference.md")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, c := range commands(t) {
		path := c.CommandPath()
		seen[path] = true
		documented, ok := doc.Flags[path]
		if !ok {
			t.Errorf("command %q has no section in docs/reference.md", path)
			continue
		}
		flags := ownFlags(c)
		for _, f := range flags {
			if !documented[f] {
				t.Errorf("%s --%s is not in docs/reference.md", path, f)
			}
		}
		for f := range documented {
			if !slices.Contains(flags, f) {
				t.Errorf("docs/reference.md documents %s --%s, which does not exist", path, f)
			}
		}
	}
	for path := range doc.Flags {
		if !seen[path] {
			t.Errorf("docs/reference.md documents command %q, which does not exist", path)
		}
	}
}

// TestHelpExamples checks that every command's --help shows examples.
func TestHelpExamples(t *testing.T) {
	for _, c := range commands(t) {
		if strings.TrimSpace(c.Example) == "" {
			t.Errorf("%s has no Example for --help", c.CommandPath())
		}
	}
}
