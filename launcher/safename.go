package launcher

import "strings"

// SafeName maps a sandbox name onto the characters a cgroup directory or a
// hostname may hold: worker["eu"] becomes worker-eu, worker[0] worker-0.
func SafeName(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-'
		if !ok {
			if !dash {
				b.WriteByte('-')
			}
			dash = true
			continue
		}
		b.WriteRune(r)
		dash = r == '-'
	}
	return strings.Trim(b.String(), "-")
}
