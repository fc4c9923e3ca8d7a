// Package refdoc reads docs/reference.md the way its tests need: which
// blocks, attributes, functions, commands and flags the page documents. It
// exists only so that tests in config and cmd/sandbox can hold the page
// and the code to each other; nothing else may import it.
package refdoc
