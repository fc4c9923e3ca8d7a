package testrun

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/internal/testenv"

	"github.com/hclsandbox/sandbox/launcher/expect"
)

// TestJUnitSchema writes the JUnit report of a run with a passing case,
// a case with two unmet expectations and output that XML must escape,
// and a case that never ran, and validates it against the schema.
func TestJUnitSchema(t *testing.T) {
	lint := testenv.XMLLint(t)
	if lint == "" {
		t.Skip("needs xmllint (Debian's libxml2-utils)")
	}
	r := &Report{Passed: 1, Failed: 2, ExitCode: 1, Duration: 1.5, Tests: []Case{
		{Name: "ok", Result: "exited 0", Pass: true, Duration: 0.1,
			Verdicts: []expect.Verdict{{Check: "exit_code", Expected: "0", Actual: "0", Pass: true}}},
		{Name: `w["eu"]`, Result: "exited 3", Duration: 0.2, Stdout: "<tag> & \"quotes\"\n\x00\x1b[31m", Stderr: "oops\n",
			Verdicts: []expect.Verdict{
				{Check: "exit_code", Expected: "0", Actual: "3"},
				{Check: `stdout matches "^a<b$"`, Expected: "a match", Actual: `no match in "<tag>"`},
			}},
		{Name: "never", Result: "skipped: db did not complete",
			Verdicts: []expect.Verdict{{Check: "exit_code", Expected: "0", Actual: "did not run: skipped: db did not complete"}}},
	}}
	path := filepath.Join(t.TempDir(), "report.xml")
	if err := r.WriteJUnit(path); err != nil {
		t.Fatal(err)
	}
	testenv.ValidateJUnit(t, lint, junitXSD, path)
	b, _ := os.ReadFile(path)
	if n := strings.Count(string(b), "<failure "); n != 3 {
		t.Errorf("report has %d failures, want one per unmet expectation (3):\n%s", n, b)
	}
}

// junitXSD is the Ant/Jenkins JUnit schema, kept with the command tests.
const junitXSD = "../../cmd/sandbox/testdata/junit/junit-4.xsd"
