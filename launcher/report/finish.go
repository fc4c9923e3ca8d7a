package report

import (
	"io"

	"github.com/hclsandbox/sandbox/internal/exitcode"
)

// Finish prints the batch's table on stderr, with asJSON its JSON on
// stdout, writes the JUnit file when junit names one, and ends the
// command with the report's exit code.
func (r *Report) Finish(stdout, stderr io.Writer, asJSON bool, junit string) error {
	r.WriteTable(stderr)
	if asJSON {
		if err := r.WriteJSON(stdout); err != nil {
			return exitcode.Errorf(exitcode.Setup, "%v", err)
		}
	}
	if junit != "" {
		if err := WriteJUnitFile(junit, r); err != nil {
			return exitcode.Errorf(exitcode.Setup, "%v", err)
		}
	}
	if r.ExitCode != exitcode.OK {
		return exitcode.Code(r.ExitCode)
	}
	return nil
}
