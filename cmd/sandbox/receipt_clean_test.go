package main

import (
	"os"
	"path/filepath"

	"github.com/hclsandbox/sandbox/launcher/receipt"
	"github.com/hclsandbox/sandbox/launcher/state"
)

// keepReceipts runs the tests and then removes the receipts they made in
// the default state directory, where every up and run of a test that
// does not set SANDBOX_RUN writes one: files that were not there before,
// and the directory when the tests made it.
func keepReceipts(run func() int) int {
	dir := filepath.Join(state.DefaultStateDir, receipt.Dir)
	before := map[string]bool{}
	entries, err := os.ReadDir(dir)
	existed := err == nil
	for _, e := range entries {
		before[e.Name()] = true
	}
	code := run()
	entries, _ = os.ReadDir(dir)
	for _, e := range entries {
		if !before[e.Name()] {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
	if !existed {
		os.Remove(dir) // only when empty: another run may be writing there
	}
	return code
}
