package export

import "strings"

// Quote quotes s for a POSIX shell: unchanged when every byte is one that
// no shell treats specially, else in single quotes, each single quote
// written as '\”. Newlines, $, backquotes and backslashes are literal
// inside single quotes.
func Quote(s string) string {
	if s == "" {
		return "''"
	}
	if isPlain(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// QuoteAll quotes every word and joins them with spaces.
func QuoteAll(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = Quote(w)
	}
	return strings.Join(q, " ")
}

// isPlain reports whether s needs no quotes: only letters, digits and
// _ @ % + = : , . / -, and no = first, which zsh expands.
func isPlain(s string) bool {
	if s[0] == '=' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("_@%+=:,./-", c) >= 0:
		default:
			return false
		}
	}
	return true
}
