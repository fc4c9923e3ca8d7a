package state

import (
	"encoding/json"
	"fmt"
	"io"
)

// Write prints what a gc did to w: one line of counts, or one JSON
// object.
func (rep GCReport) Write(w io.Writer, asJSON bool) {
	if asJSON {
		b, _ := json.Marshal(rep)
		fmt.Fprintf(w, "%s\n", b)
		return
	}
	fmt.Fprintf(w, "removed %d records, %d cgroups, %d mounts; killed %d; %d running\n",
		rep.Records, rep.Cgroups, rep.Mounts, rep.Killed, len(rep.Live))
}
