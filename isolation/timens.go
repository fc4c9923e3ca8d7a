package isolation

import (
	"fmt"
	"strings"
)

// TimensOffsets is the text written to /proc/self/timens_offsets: a line
// "CLOCK SECONDS NANOSECONDS" per clock, nanoseconds in [0, 1e9) and the
// seconds carrying the sign, as time_namespaces(7) describes.
func TimensOffsets(o *TimeOffsets) string {
	var b strings.Builder
	for _, c := range []struct {
		name string
		ns   int64
	}{{"monotonic", o.Monotonic}, {"boottime", o.Boottime}} {
		sec, nsec := c.ns/1e9, c.ns%1e9
		if nsec < 0 {
			sec, nsec = sec-1, nsec+1e9
		}
		fmt.Fprintf(&b, "%s %d %d\n", c.name, sec, nsec)
	}
	return b.String()
}
