package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/hclsandbox/sandbox/internal/parallel"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/report"
	"github.com/hclsandbox/sandbox/launcher/runner"
	"github.com/spf13/cobra"
)

func newPlanCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := e.addVarFlags(&cobra.Command{
		Use:   "plan [FILE|DIR]... [NAME]...",
		Short: "Print the isolation steps of each sandbox without running it",
		Long: `Print, for every sandbox (or only the named ones), the steps the child
performs in order: namespaces, the root, each mount with its flags,
pivot_root, the hostname and the final argv, environment and working
directory. With --json, print the exact plans the launcher hands to the
child, as a JSON array. Needs no privileges and starts nothing.

A word that names an existing file or directory is a configuration; any
other word is a sandbox name. With no file, ./*.hcl is loaded.

Exit codes: 0 success, 1 invalid configuration, unknown name or a sandbox
that cannot start here (its seccomp filter does not compile), 2 invalid
command line.`,
		Example: `  sandbox plan examples/hello.hcl
  sandbox plan examples busybox --json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.plan(args, asJSON)
		},
	})
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the plans as JSON")
	return cmd
}

func (e *env) plan(args []string, asJSON bool) error {
	collectLess()
	paths, names := splitArgs(args)
	cfg, sbs, err := e.loadSandboxes(paths, names)
	if err != nil {
		return err
	}
	host := e.probeHost()
	if err := e.r().CheckPlans(cfg, sbs, host); err != nil {
		return err
	}
	// Each plan is built again as it is printed, so that printing
	// thousands never holds them all.
	plan := func(i int) *launcher.Plan { return runner.BuildPlan(sbs[i], host, nil) }
	if asJSON {
		return writePlansJSON(e.stdout, len(sbs), plan)
	}
	for i := range sbs {
		if i > 0 {
			fmt.Fprintln(e.stdout)
		}
		report.WritePlan(e.stdout, plan(i), sbs[i])
	}
	return nil
}

// planWindow is how many plans writePlansJSON encodes at once, on every
// core, before it writes them in order.
const planWindow = 256

// writePlansJSON prints n plans, plan(0) … plan(n-1), as one indented JSON
// array, byte for byte what json.MarshalIndent of them all gives. It
// builds and encodes a window of plans at a time on every core, so that
// neither the plans nor the output are held whole.
func writePlansJSON(w io.Writer, n int, plan func(int) *launcher.Plan) error {
	if n == 0 {
		_, err := io.WriteString(w, "[]\n")
		return err
	}
	bw := bufio.NewWriter(w)
	slots := make([]planSlot, min(n, planWindow))
	bw.WriteString("[\n  ")
	for start := 0; start < n; start += planWindow {
		window := slots[:min(planWindow, n-start)]
		parallel.For(len(window), 16, func(k int) { window[k].encode(plan(start + k)) })
		for k := range window {
			if window[k].err != nil {
				return window[k].err
			}
			if start+k > 0 {
				bw.WriteString(",\n  ")
			}
			bw.Write(bytes.TrimSuffix(window[k].buf.Bytes(), []byte("\n")))
		}
	}
	bw.WriteString("\n]\n")
	return bw.Flush()
}

// planSlot encodes one plan of a window, reusing its buffers.
type planSlot struct {
	buf bytes.Buffer
	enc *json.Encoder
	err error
}

func (s *planSlot) encode(p *launcher.Plan) {
	if s.enc == nil {
		s.enc = json.NewEncoder(&s.buf)
		s.enc.SetIndent("  ", "  ")
	}
	s.buf.Reset()
	if s.err = s.enc.Encode(p); s.err != nil {
		s.err = fmt.Errorf("encode plan of %s: %w", p.Name, s.err)
	}
}
