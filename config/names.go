package config

import (
	"strconv"
	"strings"
)

// NameRule says in words which names ValidName accepts.
const NameRule = `use 1 to 63 letters, digits, '_', '.' or '-', starting with a letter or digit; ` +
	`an instance of a sandbox with count or for_each adds its index or key, as in job[2] or worker["eu"]`

// ValidName reports whether name is one a sandbox can have: a declared
// name, or the name of one instance of a fanned-out sandbox, base[N] or
// base["key"], exactly as the loader makes them. Such a name is a single
// path component, never "." or "..", without a slash, NUL or newline: it
// may name a state directory, a cgroup or a log prefix as it is. Names
// from anywhere but a loaded configuration (the command line, a state
// directory) are checked with it before they become paths.
func ValidName(name string) bool {
	base, rest, fanned := strings.Cut(name, "[")
	if !validName.MatchString(base) {
		return false
	}
	if !fanned {
		return true
	}
	inner, ok := strings.CutSuffix(rest, "]")
	if !ok {
		return false
	}
	if quoted, ok := strings.CutPrefix(inner, `"`); ok {
		key, ok := strings.CutSuffix(quoted, `"`)
		return ok && validKey.MatchString(key)
	}
	n, err := strconv.Atoi(inner)
	return err == nil && n >= 0 && n < MaxCount && strconv.Itoa(n) == inner
}
