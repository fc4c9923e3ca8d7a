package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// XMLLint returns the path of xmllint, or "" when it is missing where
// that is allowed: without root outside CI, and in the test VM, whose
// initramfs has no libxml2. As root or in CI it must be there.
func XMLLint(t *testing.T) string {
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
