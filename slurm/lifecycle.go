package slurm

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/hclsandbox/sandbox/internal/exitcode"
)

// PS prints the queued and running jobs that up --on slurm submitted
// (`sandbox ps --on slurm`): a table, or an indented JSON array.
func PS(ctx context.Context, c Commander, w io.Writer, asJSON bool) error {
	qs, err := List(ctx, c)
	if err != nil {
		return exitcode.Errorf(exitcode.Setup, "ps: %v", err)
	}
	if asJSON {
		b, _ := json.MarshalIndent(qs, "", "  ")
		fmt.Fprintf(w, "%s\n", b)
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tJOB\tSTATE\tTIME\tNODES")
	for _, q := range qs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", q.Name, q.ID, q.State, q.Time, q.Nodes)
	}
	return tw.Flush()
}

// StopNamed cancels the jobs of the named sandboxes, or all of them
// (`sandbox stop --on slurm`): it prints each job cancelled on stdout and
// each name without a job on stderr, which ends the command with 125.
func StopNamed(ctx context.Context, c Commander, stdout, stderr io.Writer, names []string, all bool) error {
	stopped, missing, err := Stop(ctx, c, names, all)
	for _, n := range missing {
		fmt.Fprintf(stderr, "sandbox: %s: no queued or running Slurm job\n", n)
	}
	if err != nil {
		return exitcode.Errorf(exitcode.Setup, "stop: %v", err)
	}
	for _, q := range stopped {
		fmt.Fprintf(stdout, "%s (job %s)\n", q.Name, q.ID)
	}
	if len(missing) > 0 {
		return exitcode.Code(exitcode.Setup)
	}
	return nil
}
