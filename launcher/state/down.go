package state

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/hclsandbox/sandbox/internal/exitcode"
)

// Down stops every sandbox of d's project and removes what each one
// leaves (Remove), in parallel (`sandbox down`): a line per sandbox on
// stdout, each failure on stderr, which ends the command with 125. With
// no sandbox in the project it says so and succeeds.
func (d Dir) Down(ctx context.Context, stdout, stderr io.Writer, o StopOptions) error {
	names, err := d.Names()
	if err != nil {
		return exitcode.Errorf(exitcode.Setup, "down: %v", err)
	}
	if len(names) == 0 {
		receipts := d.removeReceipts()
		d.Tidy()
		if receipts == 0 {
			fmt.Fprintf(stdout, "nothing to remove in %s\n", d.where())
		} else {
			fmt.Fprintf(stdout, "receipts of %d last runs removed\n", receipts)
		}
		return nil
	}
	supervisors := d.liveSupervisors(names)
	lines := make([]string, len(names))
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() {
			running, err := d.Remove(ctx, name, o)
			errs[i] = err
			lines[i] = name + "  removed"
			if running {
				lines[i] = name + "  stopped and removed"
			}
		})
	}
	wg.Wait()
	// A supervisor writes its receipts once its sandboxes have ended,
	// after their records are gone: they go when it has.
	awaitExit(ctx, supervisors, 5*time.Second)
	receipts := d.removeReceipts()
	failed := false
	for i := range names {
		if errs[i] != nil {
			fmt.Fprintf(stderr, "sandbox: %v\n", errs[i])
			failed = true
			continue
		}
		fmt.Fprintln(stdout, lines[i])
	}
	if receipts > 0 {
		fmt.Fprintf(stdout, "receipts of %d last runs removed\n", receipts)
	}
	d.Tidy()
	if failed {
		return exitcode.Code(exitcode.Setup)
	}
	return nil
}

// removeReceipts removes the receipts of a project's last runs and
// returns how many there were; the root's own are left alone.
func (d Dir) removeReceipts() int {
	if d.Project == "" {
		return 0
	}
	dir := filepath.Join(d.Home(), ReceiptsDir)
	entries, _ := os.ReadDir(dir)
	if os.RemoveAll(dir) != nil || len(entries) == 0 {
		return 0
	}
	return len(entries)
}

// StopAllProjects is StopAll of every sandbox of every project of d's
// root (`sandbox stop --all-projects`).
func (d Dir) StopAllProjects(stdout, stderr io.Writer, o StopOptions) error {
	scopes, err := d.Scopes()
	if err != nil {
		return exitcode.Errorf(exitcode.Setup, "stop: %v", err)
	}
	var last error
	for _, s := range scopes {
		if err := s.StopAll(stdout, stderr, nil, true, o); err != nil {
			last = err
		}
	}
	return last
}
