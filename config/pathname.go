package config

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// readableLen bounds the readable part of an escaped name's key.
const readableLen = 20

// PathName is the path component that stands for the sandbox name (a
// ValidName) wherever a name becomes a path: a state directory, a record,
// a log file. A name of letters, digits and _ . - [ ] " is its own path
// name. Any other, such as job["github.com/x/y"], becomes its base, "~",
// its key with every other character made "-" (at most 20 of them), "~"
// and 12 hex digits of the name's sha256: job~github.com-x-y~0123456789ab.
// It holds no "/", is never "." or "..", is at most 97 bytes (short, for
// the exec socket's path inside it), and, as "~" is in no name, never
// equals a name that is its own path name.
func PathName(name string) string {
	if asPath.match(name) {
		return name
	}
	base, key, _ := strings.Cut(name, "[")
	sum := sha256.Sum256([]byte(name))
	return base + "~" + readable(key) + "~" + hex.EncodeToString(sum[:6])
}

// readable keeps the letters, digits, '_', '.' and '-' of s, each run of
// other characters made one "-", and at most readableLen bytes.
func readable(s string) string {
	s = strings.TrimSuffix(strings.TrimPrefix(s, `"`), `"]`)
	var b strings.Builder
	dash := false
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-'
		switch {
		case ok:
			b.WriteRune(r)
		case !dash:
			b.WriteByte('-')
		}
		dash = !ok
		if b.Len() >= readableLen {
			break
		}
	}
	out := b.String()
	return out[:min(len(out), readableLen)]
}
