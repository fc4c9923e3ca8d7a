package runner

import "strings"

// looksLikePath reports whether a command-line word that names no existing
// file is meant as one all the same: it has a "/" or ends in ".hcl". Such
// a word is a path that is missing, and loading says so, rather than a
// sandbox name. An instance name, such as job["a/b"], is a name whatever
// its key holds.
func looksLikePath(word string) bool {
	if i := strings.IndexByte(word, '['); i > 0 && strings.HasSuffix(word, "]") {
		return false
	}
	return strings.Contains(word, "/") || strings.HasSuffix(word, ".hcl")
}
