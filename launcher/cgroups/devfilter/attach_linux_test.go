package devfilter

import (
	"testing"

	"github.com/hclsandbox/sandbox/launcher/cgroups"

	"github.com/hclsandbox/sandbox/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// TestCheckLoadsDefaultDevices loads the program of the default allowlist
// into this kernel, whose verifier must accept it. Attaching it is tested
// with real sandboxes (launcher's TestDevice* tests).
func TestCheckLoadsDefaultDevices(t *testing.T) {
	testenv.RequireRoot(t)
	if err := Check(cgroups.DefaultDevices); err != nil {
		t.Fatalf("Check(DefaultDevices) = %v", err)
	}
}
