package testrun

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/exitcode"
	"github.com/hclsandbox/sandbox/launcher/expect"
	"github.com/hclsandbox/sandbox/launcher/report"
	"github.com/hclsandbox/sandbox/launcher/runner"
	"github.com/hclsandbox/sandbox/launcher/supervise"
)

// Case is one tested sandbox: how it ended and every check.
type Case struct {
	Name     string           `json:"name"`
	Result   string           `json:"result"`
	Pass     bool             `json:"pass"`
	Duration float64          `json:"duration_s"`
	Verdicts []expect.Verdict `json:"checks"`
	// Updated are the golden files --update rewrote.
	Updated []string `json:"updated,omitempty"`
	// Stdout and Stderr are its output, for JUnit's system-out and
	// system-err.
	Stdout string `json:"-"`
	Stderr string `json:"-"`
}

// Report is the whole run, as --json prints it.
type Report struct {
	Tests    []Case  `json:"tests"`
	Passed   int     `json:"passed"`
	Failed   int     `json:"failed"`
	ExitCode int     `json:"exit_code"`
	Duration float64 `json:"duration_s"`
}

// verdictsByName maps each tested sandbox to its checks, for receipts.
func (r *Report) verdictsByName() map[string][]expect.Verdict {
	m := map[string][]expect.Verdict{}
	for _, c := range r.Tests {
		m[c.Name] = c.Verdicts
	}
	return m
}

// checkUnits judges every sandbox that has an expect block, after
// rewriting its golden files with --update.
func checkUnits(stderr io.Writer, sbs []*config.Sandbox, units []*supervise.Unit, rep *report.Report, caps map[string]*captured, update bool) *Report {
	tr := &Report{Duration: rep.Duration}
	setupFailed := false
	for i, u := range units {
		out := rep.Sandboxes[i]
		setupFailed = setupFailed || out.Result == report.SetupFailed
		s := sbs[i]
		if s.Expect == nil {
			continue
		}
		obs := observed(u, out, caps[u.Name()])
		c := Case{Name: s.Name, Result: out.Describe(), Duration: out.Duration, Stdout: string(obs.Stdout), Stderr: string(obs.Stderr)}
		if update {
			wrote, err := expect.Update(s.Expect, obs)
			if err != nil {
				fmt.Fprintf(stderr, "sandbox: %s: %v\n", s.Name, err)
			}
			c.Updated = wrote
		}
		c.Verdicts = expect.Check(s.Expect, obs)
		c.Pass = expect.Passed(c.Verdicts)
		if c.Pass {
			tr.Passed++
		} else {
			tr.Failed++
		}
		tr.Tests = append(tr.Tests, c)
	}
	switch {
	case setupFailed:
		tr.ExitCode = exitcode.Setup
	case tr.Failed > 0:
		tr.ExitCode = 1
	}
	return tr
}

// WriteText prints a line per sandbox and one per failed check (every
// check with verbose), then a summary line.
func (r *Report) WriteText(w io.Writer, verbose bool) {
	for _, c := range r.Tests {
		status := "PASS"
		if !c.Pass {
			status = "FAIL"
		}
		fmt.Fprintf(w, "--- %s: %s (%.2fs, %s)\n", status, c.Name, c.Duration, c.Result)
		for _, v := range c.Verdicts {
			switch {
			case !v.Pass:
				fmt.Fprintf(w, "    FAIL %s: expected %s, got %s\n", v.Check, v.Expected, v.Actual)
			case verbose:
				fmt.Fprintf(w, "    ok   %s: %s\n", v.Check, v.Actual)
			}
		}
	}
	if r.Failed == 0 {
		fmt.Fprintf(w, "ok: %d passed (%.2fs)\n", r.Passed, r.Duration)
		return
	}
	fmt.Fprintf(w, "FAIL: %d of %d failed (%.2fs)\n", r.Failed, r.Failed+r.Passed, r.Duration)
}

// WriteJSON prints the report as one indented JSON document.
func (r *Report) WriteJSON(w io.Writer) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode test report: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// WriteTAP prints the report in the Test Anything Protocol, version 13:
// a test point per sandbox, its failed checks as a YAML block.
func (r *Report) WriteTAP(w io.Writer) {
	fmt.Fprintf(w, "TAP version 13\n1..%d\n", len(r.Tests))
	for i, c := range r.Tests {
		if c.Pass {
			fmt.Fprintf(w, "ok %d - %s\n", i+1, tapName(c.Name))
			continue
		}
		fmt.Fprintf(w, "not ok %d - %s\n  ---\n  result: %s\n  failures:\n", i+1, tapName(c.Name), strconv.Quote(c.Result))
		for _, v := range c.Verdicts {
			if !v.Pass {
				fmt.Fprintf(w, "    - check: %s\n      expected: %s\n      actual: %s\n",
					strconv.Quote(v.Check), strconv.Quote(v.Expected), strconv.Quote(v.Actual))
			}
		}
		fmt.Fprintln(w, "  ...")
	}
}

// tapName keeps a name from being read as a directive ("# SKIP").
func tapName(n string) string { return strings.ReplaceAll(n, "#", `\#`) }

// Select selects the named sandboxes, or every one with an expect block,
// and what they depend on. A selection with no expectation at all is an
// error: nothing would be checked.
func Select(cfg *config.Config, names []string) ([]*config.Sandbox, error) {
	if len(names) == 0 {
		for _, s := range cfg.Sandboxes {
			if s.Expect != nil {
				names = append(names, s.Name)
			}
		}
		if len(names) == 0 {
			return nil, exitcode.Errorf(exitcode.InvalidConfig, "no sandbox has an expect block: nothing to test")
		}
	}
	sbs, err := runner.SelectBatch(cfg, names)
	if err != nil {
		return nil, err
	}
	for _, s := range sbs {
		if s.Expect != nil {
			return sbs, nil
		}
	}
	return nil, exitcode.Errorf(exitcode.InvalidConfig, "none of the selected sandboxes has an expect block: nothing to test")
}
