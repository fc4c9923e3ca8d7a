package main

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

func quietEnv() *env { return &env{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}} }

// names are the names of root's commands, cobra's own left out.
func names(e *env, args []string) []string {
	var out []string
	for _, c := range newRootCmd(e, args).Commands() {
		if c.Name() != "completion" && c.Name() != "help" {
			out = append(out, c.Name())
		}
	}
	return out
}

// TestSubcommandsTable: the table names each command by the name cobra
// selects it by, and holds every command.
func TestSubcommandsTable(t *testing.T) {
	var want []string
	for _, c := range subcommands {
		if got := c.make(quietEnv()).Name(); got != c.name {
			t.Errorf("subcommands names %q for the command %q", c.name, got)
		}
		want = append(want, c.name)
	}
	slices.Sort(want)
	if got := names(quietEnv(), nil); !slices.Equal(got, want) {
		t.Errorf("the whole tree has %v, want %v", got, want)
	}
}

// TestCommandLineSelects: a command line that names a command builds it
// alone, past the root's flags and their values; any other builds all.
func TestCommandLineSelects(t *testing.T) {
	all := len(subcommands)
	for _, c := range []struct {
		args []string
		want string // "" for every command
	}{
		{[]string{"run", "web.hcl", "web"}, "run"},
		{[]string{"--project", "p", "run", "web.hcl", "web"}, "run"},
		{[]string{"--project", "run", "up"}, "up"},
		{[]string{"--project=run", "up"}, "up"},
		{[]string{"--format", "json", "validate"}, "validate"},
		{[]string{"-h", "plan"}, "plan"},
		{nil, ""},
		{[]string{"--help"}, ""},
		{[]string{"--version"}, ""},
		{[]string{"help", "run"}, ""},
		{[]string{"completion", "bash"}, ""},
		{[]string{"__complete", "run", ""}, ""},
		{[]string{"rn"}, ""},
		{[]string{"--", "run"}, ""},
	} {
		got := names(quietEnv(), c.args)
		switch {
		case c.want == "" && len(got) != all:
			t.Errorf("%q built %v, want every command", c.args, got)
		case c.want != "" && !slices.Equal(got, []string{c.want}):
			t.Errorf("%q built %v, want %s alone", c.args, got, c.want)
		}
	}
}

// TestOneCommandSameOutput: a command built alone says what it says in
// the whole tree: its help, and its usage error.
func TestOneCommandSameOutput(t *testing.T) {
	for _, args := range [][]string{{"run", "--help"}, {"up", "--help"}, {"run"}, {"logs", "--no-such-flag"}} {
		alone, whole := quietEnv(), quietEnv()
		codeAlone := alone.main(args)
		root := newRootCmd(whole, nil)
		root.SetArgs(args)
		errWhole := root.Execute()
		out := func(e *env) string { return e.stdout.(*bytes.Buffer).String() + e.stderr.(*bytes.Buffer).String() }
		if (codeAlone == exitOK) != (errWhole == nil) {
			t.Errorf("%q: exit code %d alone, error %v in the whole tree", args, codeAlone, errWhole)
		}
		switch {
		case errWhole == nil && out(alone) != out(whole):
			t.Errorf("%q alone printed\n%s\nin the whole tree\n%s", args, out(alone), out(whole))
		case errWhole != nil && !strings.Contains(out(alone), errWhole.Error()):
			t.Errorf("%q alone printed\n%s\nthe whole tree failed with %v", args, out(alone), errWhole)
		}
	}
}
