package main

import (
	"errors"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// flagValueError turns a flag's value that does not parse into what the
// flag wants, in words: "--parallel (-p) wants a whole number, not
// \"two\"", rather than the parser's own error.
func flagValueError(c *cobra.Command, err error) error {
	var bad *pflag.InvalidValueError
	if !errors.As(err, &bad) {
		return exitf(exitUsage, "%v (see '%s --help')", err, c.CommandPath())
	}
	f := bad.GetFlag()
	name := "--" + f.Name
	if f.Shorthand != "" {
		name += " (-" + f.Shorthand + ")"
	}
	return exitf(exitUsage, "%s wants %s, not %q (see '%s --help')", name, flagWants(f.Value.Type()), bad.GetValue(), c.CommandPath())
}

// flagWants says in words what a flag of the pflag type typ takes.
func flagWants(typ string) string {
	switch {
	case strings.HasPrefix(typ, "int"), strings.HasPrefix(typ, "uint"):
		return "a whole number"
	case strings.HasPrefix(typ, "float"):
		return "a number"
	case typ == "duration":
		return "a duration such as 30s or 1m30s"
	case typ == "bool":
		return "true or false"
	}
	return "a " + typ
}
