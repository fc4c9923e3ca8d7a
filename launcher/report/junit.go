package report

import (
	"encoding/xml"
	"fmt"
	"os"
	"strings"
)

// JUnitSuites is the root of a JUnit XML report in the form the Ant and
// Jenkins JUnit schema describes, as CI systems read it: up writes one
// suite with a test case per sandbox, sandbox test one with a failure per
// unmet expectation.
type JUnitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []JUnitSuite `xml:"testsuite"`
}

// JUnitSuite is one testsuite element.
type JUnitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []JUnitCase `xml:"testcase"`
}

// JUnitCase is one testcase element.
type JUnitCase struct {
	Name      string         `xml:"name,attr"`
	Class     string         `xml:"classname,attr"`
	Time      string         `xml:"time,attr"`
	Failures  []JUnitMessage `xml:"failure"`
	Skipped   *JUnitMessage  `xml:"skipped,omitempty"`
	SystemOut string         `xml:"system-out,omitempty"`
	SystemErr string         `xml:"system-err,omitempty"`
}

// JUnitMessage is a failure or skipped element: its type and message,
// and a text body.
type JUnitMessage struct {
	Type    string `xml:"type,attr,omitempty"`
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// WriteFile writes the report as JUnit XML to path.
func (j *JUnitSuites) WriteFile(path string) error {
	b, err := xml.MarshalIndent(j, "", "  ")
	if err != nil {
		return fmt.Errorf("encode junit report: %w", err)
	}
	b = append([]byte(xml.Header), append(b, '\n')...)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("write junit report: %w", err)
	}
	return nil
}

// junit turns the report into JUnit's form: a skipped sandbox is skipped,
// any other that did not exit 0 a failure.
func (r *Report) junit() *JUnitSuites {
	s := JUnitSuite{Name: "sandbox up", Tests: len(r.Sandboxes), Time: fmt.Sprintf("%.3f", r.Duration)}
	for _, o := range r.Sandboxes {
		c := JUnitCase{Name: o.Name, Class: "sandbox", Time: fmt.Sprintf("%.3f", o.Duration)}
		switch {
		case o.Result == Skipped:
			c.Skipped = &JUnitMessage{Message: o.Reason}
			s.Skipped++
		case o.Failed():
			c.Failures = []JUnitMessage{{Message: o.Describe(), Text: failureText(o)}}
			s.Failures++
		}
		s.Cases = append(s.Cases, c)
	}
	return &JUnitSuites{Suites: []JUnitSuite{s}}
}

// WriteJUnitFile writes the report as JUnit XML to path.
func WriteJUnitFile(path string, r *Report) error { return r.junit().WriteFile(path) }

// failureText is the body of a failure: the setup error, then the
// sandbox's last lines of output.
func failureText(o Outcome) string {
	var b strings.Builder
	if o.SetupError != "" {
		b.WriteString(o.SetupError + "\n")
	}
	for _, l := range o.Output {
		b.WriteString(l + "\n")
	}
	return b.String()
}
