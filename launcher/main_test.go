package launcher

import (
	"testing"

	"github.com/hclsandbox/sandbox/internal/testenv"
)

// TestMain lets the test binary serve as the sandbox child and fails the run
// if any test left a mount, cgroup or process behind.
func TestMain(m *testing.M) { testenv.Main(m) }
