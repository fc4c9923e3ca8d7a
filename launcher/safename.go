package launcher

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// maxSafeName is the longest SafeName: a hostname label's 63 bytes.
const maxSafeName = 63

// SafeName maps a sandbox name onto the characters a cgroup directory or a
// hostname may hold: worker["eu"] becomes worker-eu, worker[0] worker-0.
// A result longer than 63 bytes is cut short and ends in a hash of the
// name (boundName), so that it fits a hostname label and a path.
func SafeName(name string) string {
	return boundName(name, safeChars(name))
}

// safeChars is name with every run of characters other than letters,
// digits and '-' made one '-', and no '-' at either end.
func safeChars(name string) string {
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

// boundName returns safe, the SafeName of name, when it fits maxSafeName;
// else its first 46 bytes, "-" and 16 hex digits of the name's sha256, so
// that two long names with a common start stay apart.
func boundName(name, safe string) string {
	if len(safe) <= maxSafeName {
		return safe
	}
	sum := sha256.Sum256([]byte(name))
	return strings.TrimRight(safe[:46], "-") + "-" + hex.EncodeToString(sum[:8])
}
