package testenv

import (
	"os"
	"runtime"
	"strings"
	"testing"
)

// As root on Linux a missing dependency is a failure that names it and
// the package that provides it; AllowMissingEnv=1 makes it a skip again,
// and so is it for any other user.
func TestMissingFailsAsRoot(t *testing.T) {
	t.Setenv(AllowMissingEnv, "")
	err := MissingError("needs busybox (Debian's busybox-static)")
	asRoot := runtime.GOOS == "linux" && os.Geteuid() == 0
	switch {
	case asRoot && (err == nil || !strings.Contains(err.Error(), "busybox-static") || !strings.Contains(err.Error(), "make test-deps")):
		t.Errorf("as root: MissingError = %v, want a failure naming the package and make test-deps", err)
	case !asRoot && err != nil:
		t.Errorf("without root: MissingError = %v, want a skip", err)
	}
	t.Setenv(AllowMissingEnv, "1")
	if err := MissingError("needs busybox"); err != nil {
		t.Errorf("with %s=1: MissingError = %v, want a skip", AllowMissingEnv, err)
	}
}
