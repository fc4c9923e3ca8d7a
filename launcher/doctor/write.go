package doctor

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/hclsandbox/sandbox/internal/exitcode"
)

// Write prints checks to w, a line each (name, label, detail: see
// Label) or as an indented JSON array, and ends the command with exit
// code 1 when one of them is unsupported. A feature the host's own
// setting turns off (Off) is no failure: the host is as it was set.
func Write(w io.Writer, checks []Check, asJSON bool) error {
	labelled := make([]Check, len(checks))
	for i, c := range checks {
		c.State = c.Label()
		labelled[i] = c
	}
	if asJSON {
		b, err := json.MarshalIndent(labelled, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s\n", b)
	} else {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, c := range labelled {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", c.Name, c.State, c.Detail)
		}
		tw.Flush()
	}
	for _, c := range labelled {
		if c.State == Unsupported {
			return exitcode.Code(1)
		}
	}
	return nil
}
