package runner

import (
	"strings"
	"testing"
)

func TestValidParent(t *testing.T) {
	for name, want := range map[string]bool{"ci": true, "batch-1.a_b": true, "": false, "..": false, "a/b": false, "-x": false, strings.Repeat("a", 64): false} {
		if got := validParent(name); got != want {
			t.Errorf("validParent(%q) = %v, want %v", name, got, want)
		}
	}
}
