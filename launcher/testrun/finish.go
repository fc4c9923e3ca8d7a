package testrun

import (
	"fmt"
	"io"

	"github.com/hclsandbox/sandbox/internal/exitcode"
)

// Output is how `sandbox test` prints its report: as text (verbose
// lists the checks that held), JSON or TAP on stdout, and a JUnit file
// when JUnit names one.
type Output struct {
	Verbose, JSON, TAP bool
	JUnit              string
}

// Finish prints the golden files updated on stderr, the report in the
// chosen form on stdout and writes the JUnit file; it ends the command
// with the report's exit code.
func (r *Report) Finish(stdout, stderr io.Writer, o Output) error {
	for _, c := range r.Tests {
		for _, p := range c.Updated {
			fmt.Fprintf(stderr, "sandbox: %s: updated %s\n", c.Name, p)
		}
	}
	var err error
	switch {
	case o.JSON:
		err = r.WriteJSON(stdout)
	case o.TAP:
		r.WriteTAP(stdout)
	default:
		r.WriteText(stdout, o.Verbose)
	}
	if err != nil {
		return exitcode.Errorf(exitcode.Setup, "%v", err)
	}
	if o.JUnit != "" {
		if err := r.WriteJUnit(o.JUnit); err != nil {
			return exitcode.Errorf(exitcode.Setup, "%v", err)
		}
	}
	if r.ExitCode != exitcode.OK {
		return exitcode.Code(r.ExitCode)
	}
	return nil
}
