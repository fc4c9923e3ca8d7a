package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/launcher/expect"
)

// xmllint returns the path of xmllint, or "" when it is missing where
// that is allowed: without root outside CI, and in the test VM, whose
// initramfs has no libxml2. As root or in CI it must be there.
func xmllint(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("xmllint")
	if err == nil {
		return path
	}
	if (os.Geteuid() == 0 || os.Getenv("CI") != "") && os.Getenv("SANDBOX_TEST_VM") == "" {
		t.Fatal("xmllint is missing (Debian package libxml2-utils; make test-deps installs it)")
	}
	return ""
}

// validateJUnit checks a report against the Ant/Jenkins JUnit schema,
// after checking that the schema rejects a test case without a name.
func validateJUnit(t *testing.T, xmllint, path string) {
	t.Helper()
	xsd, _ := filepath.Abs("testdata/junit/junit-4.xsd")
	bad := filepath.Join(t.TempDir(), "bad.xml")
	os.WriteFile(bad, []byte(`<testsuites><testsuite name="s" tests="1"><testcase time="1"/></testsuite></testsuites>`), 0o644)
	if out, err := exec.Command(xmllint, "--noout", "--schema", xsd, bad).CombinedOutput(); err == nil {
		t.Fatalf("the schema accepts a test case without a name:\n%s", out)
	}
	if out, err := exec.Command(xmllint, "--noout", "--schema", xsd, path).CombinedOutput(); err != nil {
		t.Errorf("the JUnit report does not validate: %v\n%s", err, out)
	}
}

// TestJUnitSchema writes the JUnit report of a run with a passing case,
// a case with two unmet expectations and output that XML must escape,
// and a case that never ran, and validates it against the schema.
func TestJUnitSchema(t *testing.T) {
	lint := xmllint(t)
	if lint == "" {
		t.Skip("needs xmllint (Debian package libxml2-utils)")
	}
	r := &testReport{Passed: 1, Failed: 2, ExitCode: 1, Duration: 1.5, Tests: []testCase{
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
	if err := writeTestJUnit(path, r); err != nil {
		t.Fatal(err)
	}
	validateJUnit(t, lint, path)
	b, _ := os.ReadFile(path)
	if n := strings.Count(string(b), "<failure "); n != 3 {
		t.Errorf("report has %d failures, want one per unmet expectation (3):\n%s", n, b)
	}
}
