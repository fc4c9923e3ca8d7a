package testrun

import (
	"fmt"

	"github.com/hclsandbox/sandbox/launcher/report"
)

// junit turns the report into JUnit's form.
func (r *Report) junit() *report.JUnitSuites {
	s := report.JUnitSuite{Name: "sandbox test", Tests: len(r.Tests), Failures: r.Failed, Time: fmt.Sprintf("%.3f", r.Duration)}
	for _, c := range r.Tests {
		jc := report.JUnitCase{Name: c.Name, Class: "sandbox", Time: fmt.Sprintf("%.3f", c.Duration),
			SystemOut: c.Stdout, SystemErr: c.Stderr}
		for _, v := range c.Verdicts {
			if !v.Pass {
				msg := fmt.Sprintf("%s: expected %s, got %s", v.Check, v.Expected, v.Actual)
				jc.Failures = append(jc.Failures, report.JUnitMessage{Type: v.Check, Message: msg, Text: msg + "\n(" + c.Result + ")"})
			}
		}
		s.Cases = append(s.Cases, jc)
	}
	return &report.JUnitSuites{Suites: []report.JUnitSuite{s}}
}

// WriteJUnit writes the report as JUnit XML to path.
func (r *Report) WriteJUnit(path string) error { return r.junit().WriteFile(path) }
