package main

import (
	"os"
	"path/filepath"

	"github.com/hclsandbox/sandbox/launcher/receipt"
	"github.com/hclsandbox/sandbox/launcher/state"
)

// receiptPlaces are where the tests' runs leave receipts in the default
// state directory, deepest first: each project's receipts directory,
// the project's directory, the projects' directory, the root's own.
var receiptPlaces = []string{
	filepath.Join(state.DefaultStateDir, state.ProjectsDir, "*", receipt.Dir),
	filepath.Join(state.DefaultStateDir, state.ProjectsDir, "*"),
	filepath.Join(state.DefaultStateDir, state.ProjectsDir),
	filepath.Join(state.DefaultStateDir, receipt.Dir),
}

// keepReceipts runs the tests and then removes the receipts they made in
// the default state directory, where every up and run of a test that
// does not set SANDBOX_RUN writes one: files that were not there before,
// and the directories the tests made, once empty.
func keepReceipts(run func() int) int {
	before := map[string]bool{}
	for _, p := range receiptPaths() {
		before[p] = true
	}
	code := run()
	after := receiptPaths()
	for i := len(after) - 1; i >= 0; i-- { // files before their directories
		if !before[after[i]] {
			os.Remove(after[i]) // a directory only when empty: another run may be writing there
		}
	}
	return code
}

// receiptPaths lists the receipt directories and the files in them,
// each directory before what it holds.
func receiptPaths() []string {
	var out []string
	for i := len(receiptPlaces) - 1; i >= 0; i-- {
		dirs, _ := filepath.Glob(receiptPlaces[i])
		out = append(out, dirs...)
	}
	files, _ := filepath.Glob(filepath.Join(receiptPlaces[0], "*"))
	more, _ := filepath.Glob(filepath.Join(receiptPlaces[3], "*"))
	return append(append(out, files...), more...)
}
