package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher/expect"
	"github.com/hclsandbox/sandbox/launcher/report"
	"github.com/hclsandbox/sandbox/launcher/supervise"
)

// testCase is one tested sandbox: how it ended and every check.
type testCase struct {
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

// testReport is the whole run, as --json prints it.
type testReport struct {
	Tests    []testCase `json:"tests"`
	Passed   int        `json:"passed"`
	Failed   int        `json:"failed"`
	ExitCode int        `json:"exit_code"`
	Duration float64    `json:"duration_s"`
}

// verdictsByName maps each tested sandbox to its checks, for receipts.
func (r *testReport) verdictsByName() map[string][]expect.Verdict {
	m := map[string][]expect.Verdict{}
	for _, c := range r.Tests {
		m[c.Name] = c.Verdicts
	}
	return m
}

// checkUnits judges every sandbox that has an expect block, after
// rewriting its golden files with --update.
func (e *env) checkUnits(sbs []*config.Sandbox, units []*supervise.Unit, rep *report.Report, caps map[string]*captured, o *testOptions) *testReport {
	tr := &testReport{Duration: rep.Duration}
	setupFailed := false
	for i, u := range units {
		out := rep.Sandboxes[i]
		setupFailed = setupFailed || out.Result == report.SetupFailed
		s := sbs[i]
		if s.Expect == nil {
			continue
		}
		obs := observed(u, out, caps[u.Name()])
		c := testCase{Name: s.Name, Result: out.Describe(), Duration: out.Duration, Stdout: string(obs.Stdout), Stderr: string(obs.Stderr)}
		if o.update {
			wrote, err := expect.Update(s.Expect, obs)
			if err != nil {
				fmt.Fprintf(e.stderr, "sandbox: %s: %v\n", s.Name, err)
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
		tr.ExitCode = exitSetup
	case tr.Failed > 0:
		tr.ExitCode = 1
	}
	return tr
}

// finishTests prints the report in the chosen form and writes the JUnit
// file.
func (e *env) finishTests(tr *testReport, o *testOptions) error {
	for _, c := range tr.Tests {
		for _, p := range c.Updated {
			fmt.Fprintf(e.stderr, "sandbox: %s: updated %s\n", c.Name, p)
		}
	}
	var err error
	switch {
	case o.json:
		err = tr.writeJSON(e.stdout)
	case o.tap:
		tr.writeTAP(e.stdout)
	default:
		tr.writeText(e.stdout, o.verbose)
	}
	if err != nil {
		return exitf(exitSetup, "%v", err)
	}
	if o.junit != "" {
		if err := writeTestJUnit(o.junit, tr); err != nil {
			return exitf(exitSetup, "%v", err)
		}
	}
	if tr.ExitCode != exitOK {
		return exitCode(tr.ExitCode)
	}
	return nil
}

// writeText prints a line per sandbox and one per failed check (every
// check with verbose), then a summary line.
func (r *testReport) writeText(w io.Writer, verbose bool) {
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

// writeJSON prints the report as one indented JSON document.
func (r *testReport) writeJSON(w io.Writer) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode test report: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// writeTAP prints the report in the Test Anything Protocol, version 13:
// a test point per sandbox, its failed checks as a YAML block.
func (r *testReport) writeTAP(w io.Writer) {
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
