package launcher

import (
	"testing"

	"github.com/hclsandbox/sandbox/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }
