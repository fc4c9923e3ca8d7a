package report

import (
	"encoding/xml"
	"fmt"
	"os"
	"strings"
)

// junitSuites is the root of a JUnit XML report, as CI systems read it:
// one suite for the batch, one test case per sandbox.
type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name    string        `xml:"name,attr"`
	Class   string        `xml:"classname,attr"`
	Time    string        `xml:"time,attr"`
	Failure *junitMessage `xml:"failure,omitempty"`
	Skipped *junitMessage `xml:"skipped,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	// Text is a failure's setup error and last lines of output.
	Text string `xml:",chardata"`
}

// junit turns the report into JUnit's form: a skipped sandbox is skipped,
// any other that did not exit 0 a failure.
func (r *Report) junit() *junitSuites {
	s := junitSuite{Name: "sandbox up", Tests: len(r.Sandboxes), Time: fmt.Sprintf("%.3f", r.Duration)}
	for _, o := range r.Sandboxes {
		c := junitCase{Name: o.Name, Class: "sandbox", Time: fmt.Sprintf("%.3f", o.Duration)}
		switch {
		case o.Result == Skipped:
			c.Skipped = &junitMessage{Message: o.Reason}
			s.Skipped++
		case o.Failed():
			c.Failure = &junitMessage{Message: o.Describe(), Text: failureText(o)}
			s.Failures++
		}
		s.Cases = append(s.Cases, c)
	}
	return &junitSuites{Suites: []junitSuite{s}}
}

// WriteJUnitFile writes the report as JUnit XML to path.
func WriteJUnitFile(path string, r *Report) error {
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
