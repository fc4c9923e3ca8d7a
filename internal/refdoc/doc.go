// Package refdoc reads the documentation the way its tests need: which
// blocks, attributes, functions, commands and flags docs/reference.md
// documents (Read), and the headings, code, tables and links of any
// Markdown page (ReadPage). It exists only so that tests in config and
// cmd/sandbox can hold the pages and the code to each other; nothing else
// may import it.
package refdoc
