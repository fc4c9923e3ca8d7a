// Package testrun is sandbox test: it runs the selected sandboxes as one
// batch through launcher/runner (as up does, each run once, its output
// captured), judges each one's expect block with launcher/expect, and
// renders the results as text, JSON, TAP or JUnit XML.
//
// It must never import cmd/sandbox or cobra; what a check means is
// launcher/expect's, not this package's.
package testrun
