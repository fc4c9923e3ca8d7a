package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// XMLLint returns the path of xmllint, or "" when it is missing where
// that is allowed (MissingError: without root, and in the test VM, whose
// initramfs has no libxml2); as root elsewhere a missing one fails.
func XMLLint(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("xmllint")
	if err != nil {
		if err := MissingError("needs xmllint (Debian's libxml2-utils)"); err != nil {
			t.Fatal(err)
		}
		return ""
	}
	return path
}

// ValidateJUnit checks the report at path against schema (the
// Ant/Jenkins JUnit schema), after checking that the schema rejects a
// test case without a name.
func ValidateJUnit(t *testing.T, xmllint, schema, path string) {
	t.Helper()
	xsd, _ := filepath.Abs(schema)
	bad := filepath.Join(t.TempDir(), "bad.xml")
	os.WriteFile(bad, []byte(`<testsuites><testsuite name="s" tests="1"><testcase time="1"/></testsuite></testsuites>`), 0o644)
	if out, err := exec.Command(xmllint, "--noout", "--schema", xsd, bad).CombinedOutput(); err == nil {
		t.Fatalf("the schema accepts a test case without a name:\n%s", out)
	}
	if out, err := exec.Command(xmllint, "--noout", "--schema", xsd, path).CombinedOutput(); err != nil {
		t.Errorf("the JUnit report does not validate: %v\n%s", err, out)
	}
}
