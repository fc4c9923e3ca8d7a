package config

import (
	"strconv"
	"strings"
)

// NameRule says in words which names ValidName accepts.
const NameRule = `use 1 to 63 letters, digits, '_', '.' or '-', starting with a letter or digit; ` +
	`an instance of a sandbox with count or for_each adds its index or quoted key, as in job[2] or worker["eu"]`

// ValidName reports whether name is one a sandbox can have: a declared
// name, or the name of one instance of a fanned-out sandbox, base[N] or
// base["key"] with the key quoted as Go quotes it (any string may be a
// for_each key), exactly as the loader makes them. Such a name is
// printable, without NUL or newline, but its key may hold a slash: it
// becomes a path only through PathName. Names from anywhere but a loaded
// configuration (the command line, a state directory) are checked with
// it before they are used.
func ValidName(name string) bool {
	base, rest, fanned := strings.Cut(name, "[")
	if !validName.match(base) {
		return false
	}
	if !fanned {
		return true
	}
	inner, ok := strings.CutSuffix(rest, "]")
	if !ok {
		return false
	}
	if strings.HasPrefix(inner, `"`) {
		key, err := strconv.Unquote(inner)
		return err == nil && strconv.Quote(key) == inner
	}
	n, err := strconv.Atoi(inner)
	return err == nil && n >= 0 && n < MaxCount && strconv.Itoa(n) == inner
}
