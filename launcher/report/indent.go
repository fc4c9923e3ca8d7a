package report

// appendIndent appends to dst the compact JSON src indented as
// json.Indent(dst, src, prefix, indent) would: each element on a line
// of its own, prefix and one indent per level before it, a space after
// each colon, and empty objects and arrays kept as {} and []. src must be
// what json.Marshal gives, valid and without insignificant whitespace;
// json.Indent checks any input with its scanner, one call per byte,
// which was a fifth of `plan --json`'s time.
func appendIndent(dst, src []byte, prefix, indent string) []byte {
	depth, open := 0, false // open: after { or [, before its first element
	// lines holds a newline, prefix and indents enough for any depth yet.
	lines := []byte("\n" + prefix)
	newline := func() {
		for len(lines) < 1+len(prefix)+depth*len(indent) {
			lines = append(lines, indent...)
		}
		dst = append(dst, lines[:1+len(prefix)+depth*len(indent)]...)
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		if open && c != '}' && c != ']' {
			open = false
			depth++
			newline()
		}
		switch c {
		case '"':
			end := stringEnd(src, i)
			dst = append(dst, src[i:end]...)
			i = end - 1
		case '{', '[':
			open = true
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			newline()
		case ':':
			dst = append(dst, c, ' ')
		case '}', ']':
			if open {
				open = false
			} else {
				depth--
				newline()
			}
			dst = append(dst, c)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// stringEnd is the index just past the JSON string that starts with the
// quote at src[start], or len(src) when it does not end.
func stringEnd(src []byte, start int) int {
	for i := start + 1; i < len(src); i++ {
		switch src[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(src)
}
