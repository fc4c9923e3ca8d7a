package main

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// command is one of sandbox's commands: the name that selects it and the
// function that makes it.
type command struct {
	name string
	make func(*env) *cobra.Command
}

// subcommands are sandbox's commands.
var subcommands = []command{
	{"up", newUpCmd}, {"run", newRunCmd}, {"validate", newValidateCmd}, {"plan", newPlanCmd},
	{"fmt", newFmtCmd}, {"lock", newLockCmd}, {"doctor", newDoctorCmd}, {"export", newExportCmd},
	{"test", newTestCmd}, {"verify", newVerifyCmd}, {"explain", newExplainCmd},
	// running sandboxes
	{"ps", newPsCmd}, {"stop", newStopCmd}, {"logs", newLogsCmd}, {"exec", newExecCmd},
	{"down", newDownCmd}, {"gc", newGCCmd},
	// images
	{"pull", newPullCmd}, {"images", newImagesCmd}, {"prune", newPruneCmd},
}

// addCommands adds to root the one command that args select, or every
// command when they select none (no command, help, completion, a mistyped
// name), and reports whether it added them all. Making every command's
// flags and help took a third of a millisecond of each start, for
// commands a start never runs.
func addCommands(e *env, root *cobra.Command, args []string) (all bool) {
	name := commandName(root.PersistentFlags(), args)
	for _, c := range subcommands {
		if c.name == name {
			root.AddCommand(c.make(e))
			return false
		}
	}
	for _, c := range subcommands {
		root.AddCommand(c.make(e))
	}
	return true
}

// commandName is the first word of args that is neither a flag of flags
// nor a flag's value: the command cobra will look for, or "" when there
// is none before "--".
func commandName(flags *pflag.FlagSet, args []string) string {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return ""
		case !strings.HasPrefix(a, "-") || a == "-":
			return a
		case strings.Contains(a, "="):
		case takesValue(flagOf(flags, a)):
			i++
		}
	}
	return ""
}

// flagOf is the flag of flags that arg ("--name" or "-n") names, or nil.
func flagOf(flags *pflag.FlagSet, arg string) *pflag.Flag {
	if name, ok := strings.CutPrefix(arg, "--"); ok {
		return flags.Lookup(name)
	}
	if len(arg) == 2 {
		return flags.ShorthandLookup(arg[1:])
	}
	return nil
}

// takesValue reports whether the flag f consumes the next word.
func takesValue(f *pflag.Flag) bool { return f != nil && f.NoOptDefVal == "" }
