package explain

import (
	"encoding/json"
	"fmt"
	"io"
)

// Write prints the answer to w: as its text, or as indented JSON.
func (a *Answer) Write(w io.Writer, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(a)
	}
	fmt.Fprint(w, a.Text())
	return nil
}
