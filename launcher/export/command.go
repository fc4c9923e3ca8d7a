package export

import (
	"fmt"
	"strings"
)

// Command is an exported command line.
type Command struct {
	// Groups are the words of the command line, in order, grouped as they
	// are printed: the program, then one option with its values a group.
	Groups [][]string
	// Redirects are shell redirections that follow the words, such as
	// "3<" plus a file the command reads a descriptor from.
	Redirects []Redirect
	// Seccomp is the content of the file that Options.SeccompFile names,
	// for the caller to write; nil when the command reads none.
	Seccomp []byte
	// Warnings are the settings of the plan the target cannot express, each
	// saying what the command does instead.
	Warnings []string
}

// Redirect opens File on descriptor FD for reading, as "FD<FILE".
type Redirect struct {
	FD   int
	File string
}

// Argv is the command line as words, without the redirections.
func (c *Command) Argv() []string {
	var out []string
	for _, g := range c.Groups {
		out = append(out, g...)
	}
	return out
}

// Shell is the command line as a POSIX shell reads it: every word quoted
// where it must be, one group a line, lines joined with a backslash.
func (c *Command) Shell() string {
	lines := make([]string, 0, len(c.Groups)+1)
	for _, g := range c.Groups {
		lines = append(lines, QuoteAll(g))
	}
	if len(c.Redirects) > 0 {
		var rs []string
		for _, r := range c.Redirects {
			rs = append(rs, fmt.Sprintf("%d<%s", r.FD, Quote(r.File)))
		}
		lines = append(lines, strings.Join(rs, " "))
	}
	return strings.Join(lines, " \\\n    ")
}

func (c *Command) add(words ...string) {
	c.Groups = append(c.Groups, words)
}

func (c *Command) warnf(format string, args ...any) {
	c.Warnings = append(c.Warnings, fmt.Sprintf(format, args...))
}
