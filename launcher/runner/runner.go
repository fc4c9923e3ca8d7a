package runner

import (
	"io"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/plancache"
	"github.com/hclsandbox/sandbox/launcher/receipt"
	"github.com/hclsandbox/sandbox/launcher/state"
)

// Runner is what starting sandboxes needs of the command that asks for
// it: its streams, host facts, state directory and printers.
type Runner struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// ProbeHost returns the facts plans depend on; tests fake it.
	ProbeHost func() *launcher.Host
	// State is where sandbox records live; loading a configuration
	// scopes it to its project.
	State state.Dir
	// Project is the project named by --project or $SANDBOX_PROJECT,
	// which wins over the configuration's; ProjectChosen, if set, learns
	// the project that State was scoped to.
	Project       string
	ProjectChosen func(string)
	// PrintDiags prints diagnostics in the command's format; PrintError
	// prints one of the launcher's own errors.
	PrintDiags func(hcl.Diagnostics, map[string]*hcl.File)
	PrintError func(msg string)
	// Detached is set in up -d's supervisor, which reports each start to
	// the command that detached it through Ready.
	Detached bool
	Ready    *Readiness
	// Receipts gathers the receipts of the sandboxes this command runs.
	Receipts *receipt.Book
	// Cache, if set, keeps loads for Load to skip when nothing they read
	// changed; only commands that start sandboxes at once set it (a hit
	// has no syntax trees, which validate, plan and explain read).
	Cache *plancache.Cache

	claims sync.Map // name: the *state.Claim of a started sandbox
}
