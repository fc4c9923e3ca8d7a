package testrun

import (
	"encoding/xml"
	"fmt"
	"os"
)

// testSuites is a JUnit XML report of sandbox test, in the form the
// Ant and Jenkins JUnit schema describes: one suite, a test case per
// sandbox, a failure per unmet expectation.
type testSuites struct {
	XMLName xml.Name    `xml:"testsuites"`
	Suites  []testSuite `xml:"testsuite"`
}

type testSuite struct {
	Name     string          `xml:"name,attr"`
	Tests    int             `xml:"tests,attr"`
	Failures int             `xml:"failures,attr"`
	Errors   int             `xml:"errors,attr"`
	Time     string          `xml:"time,attr"`
	Cases    []testJUnitCase `xml:"testcase"`
}

type testJUnitCase struct {
	Name      string             `xml:"name,attr"`
	Class     string             `xml:"classname,attr"`
	Time      string             `xml:"time,attr"`
	Failures  []testJUnitFailure `xml:"failure"`
	SystemOut string             `xml:"system-out,omitempty"`
	SystemErr string             `xml:"system-err,omitempty"`
}

type testJUnitFailure struct {
	Type    string `xml:"type,attr"`
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// junit turns the report into JUnit's form.
func (r *Report) junit() *testSuites {
	s := testSuite{Name: "sandbox test", Tests: len(r.Tests), Failures: r.Failed, Time: fmt.Sprintf("%.3f", r.Duration)}
	for _, c := range r.Tests {
		jc := testJUnitCase{Name: c.Name, Class: "sandbox", Time: fmt.Sprintf("%.3f", c.Duration),
			SystemOut: c.Stdout, SystemErr: c.Stderr}
		for _, v := range c.Verdicts {
			if !v.Pass {
				msg := fmt.Sprintf("%s: expected %s, got %s", v.Check, v.Expected, v.Actual)
				jc.Failures = append(jc.Failures, testJUnitFailure{Type: v.Check, Message: msg, Text: msg + "\n(" + c.Result + ")"})
			}
		}
		s.Cases = append(s.Cases, jc)
	}
	return &testSuites{Suites: []testSuite{s}}
}

// WriteJUnit writes the report as JUnit XML to path.
func (r *Report) WriteJUnit(path string) error {
	b, err := xml.MarshalIndent(r.junit(), "", "  ")
	if err != nil {
		return fmt.Errorf("encode junit report: %w", err)
	}
	b = append([]byte(xml.Header), append(b, '\n')...)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("write junit report: %w", err)
	}
	return nil
}
