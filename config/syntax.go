package config

import "strings"

// The names, sizes and durations of a configuration have simple shapes,
// checked here byte by byte. Each `sandbox run` is a fresh process that
// loads a configuration once: compiling a regular expression for each
// shape cost it more than matching ever did (a few percent of a start).

// byteSet is a set of ASCII bytes.
type byteSet [2]uint64

// chars makes the set of the bytes given as single bytes and ranges:
// chars("a-z0-9_") is a to z, 0 to 9 and '_'. A '-' at either end stands
// for itself.
func chars(spec string) *byteSet {
	var s byteSet
	for i := 0; i < len(spec); i++ {
		lo, hi := spec[i], spec[i]
		if i+2 < len(spec) && spec[i+1] == '-' {
			hi = spec[i+2]
			i += 2
		}
		for c := lo; c <= hi && c < 128; c++ {
			s[c/64] |= 1 << (c % 64)
		}
	}
	return &s
}

// has reports whether c is in s.
func (s *byteSet) has(c byte) bool { return c < 128 && s[c/64]&(1<<(c%64)) != 0 }

// all reports whether every byte of w is in s.
func (s *byteSet) all(w string) bool {
	for i := 0; i < len(w); i++ {
		if !s.has(w[i]) {
			return false
		}
	}
	return true
}

// word is a name's shape: one byte of first, then bytes of rest, at most
// max bytes in all (0: no bound).
type word struct {
	first, rest *byteSet
	max         int
}

// match reports whether s has the shape w.
func (w word) match(s string) bool {
	return s != "" && (w.max == 0 || len(s) <= w.max) && w.first.has(s[0]) && w.rest.all(s[1:])
}

var (
	alnum     = chars("A-Za-z0-9")
	hexLower  = chars("0-9a-f")
	octal     = chars("0-7")
	digits    = chars("0-9")
	hostChars = chars("A-Za-z0-9-")
	spaces    = chars("\t\n\f\r ")

	// validName is what a sandbox or network name may look like: it
	// becomes part of cgroup and state paths, so it stays short and plain.
	validName = word{alnum, chars("A-Za-z0-9_.-"), 63}
	// asPath are the names that are used as path components as they are:
	// all the names a sandbox could have before any string could be a
	// for_each key, so that the state of a running sandbox keeps its place.
	asPath = word{alnum, chars(`A-Za-z0-9_.[]"-`), 140}
	// projectName is a project's name: it becomes a path component of the
	// state directory and a prefix of cgroup, bridge and table names.
	projectName = word{chars("a-z0-9"), chars("a-z0-9_-"), 63}
	// envName is an environment variable's name.
	envName = word{chars("A-Za-z_"), chars("A-Za-z0-9_"), 0}
	// userPart is a user or group name or number.
	userPart = word{chars("A-Za-z0-9_"), chars("A-Za-z0-9_.-"), 0}
)

// isSHA256 reports whether s is 64 lowercase hex digits.
func isSHA256(s string) bool { return len(s) == 64 && hexLower.all(s) }

// isUserSpec reports whether s is USER or USER:GROUP.
func isUserSpec(s string) bool {
	user, group, both := strings.Cut(s, ":")
	return userPart.match(user) && (!both || userPart.match(group))
}

// isHostname reports whether s is dot-separated labels of letters,
// digits and '-', each 1 to 63 bytes with no '-' at either end.
func isHostname(s string) bool {
	for label := range strings.SplitSeq(s, ".") {
		n := len(label)
		if n == 0 || n > 63 || !alnum.has(label[0]) || !alnum.has(label[n-1]) || !hostChars.all(label) {
			return false
		}
	}
	return true
}

// isTmpfsSizeOption reports whether o is size=N with an optional k, m, g
// (either case) or % suffix.
func isTmpfsSizeOption(o string) bool {
	n, ok := strings.CutPrefix(o, "size=")
	if !ok {
		return false
	}
	if n != "" && strings.IndexByte("kmgKMG%", n[len(n)-1]) >= 0 {
		n = n[:len(n)-1]
	}
	return n != "" && digits.all(n)
}

// isTmpfsModeOption reports whether o is mode= and 3 or 4 octal digits.
func isTmpfsModeOption(o string) bool {
	m, ok := strings.CutPrefix(o, "mode=")
	return ok && (len(m) == 3 || len(m) == 4) && octal.all(m)
}

// leadingNumber splits s after its leading decimal number, digits with
// an optional fraction ("12", "1.5"); ok is false when s starts with none.
func leadingNumber(s string) (num, rest string, ok bool) {
	i := spanOf(s, digits)
	if i == 0 {
		return "", s, false
	}
	if i < len(s) && s[i] == '.' {
		if j := spanOf(s[i+1:], digits); j > 0 {
			i += 1 + j
		}
	}
	return s[:i], s[i:], true
}

// spanOf is the length of the prefix of s whose bytes are all in set.
func spanOf(s string, set *byteSet) int {
	i := 0
	for i < len(s) && set.has(s[i]) {
		i++
	}
	return i
}

// sizeParts splits a size into its number, its power suffix (one of
// kmgtpe, either case, or "") and the rest of its unit ("", "i", "b", "ib",
// either case); ok is false when s is no size. Space may separate the
// number from its unit.
func sizeParts(s string) (num, power, unit string, ok bool) {
	num, rest, ok := leadingNumber(s)
	if !ok {
		return "", "", "", false
	}
	rest = rest[spanOf(rest, spaces):]
	if rest != "" && strings.IndexByte("kKmMgGtTpPeE", rest[0]) >= 0 {
		power, rest = rest[:1], rest[1:]
	}
	switch rest {
	case "", "i", "b", "B", "ib", "iB":
		return num, power, rest, true
	}
	return "", "", "", false
}

// durationUnits are the units of a duration, in the order they are tried.
var durationUnits = []string{"ns", "us", "µs", "ms", "s", "m", "h", "d"}

// durationPart splits the first number-unit pair off a duration; ok is
// false when s does not start with one.
func durationPart(s string) (num, unit, rest string, ok bool) {
	num, rest, ok = leadingNumber(s)
	if !ok {
		return "", "", s, false
	}
	for _, u := range durationUnits {
		if strings.HasPrefix(rest, u) {
			return num, u, rest[len(u):], true
		}
	}
	return "", "", s, false
}
