package doctor

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/hclsandbox/sandbox/internal/exitcode"
)

// Write prints checks to w, a line each (name, enforced or unsupported,
// detail) or as an indented JSON array, and ends the command with exit
// code 1 when one of them is not enforced.
func Write(w io.Writer, checks []Check, asJSON bool) error {
	if asJSON {
		b, err := json.MarshalIndent(checks, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s\n", b)
	} else {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, c := range checks {
			state := "enforced"
			if !c.OK {
				state = "unsupported"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", c.Name, state, c.Detail)
		}
		tw.Flush()
	}
	for _, c := range checks {
		if !c.OK {
			return exitcode.Code(1)
		}
	}
	return nil
}
