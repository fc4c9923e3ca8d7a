package runner

import "testing"

// TestOutcomeLine: each report of the detached supervisor becomes its
// line, whole names kept, spaces in a for_each key included.
func TestOutcomeLine(t *testing.T) {
	for _, tt := range []struct{ what, rest, want string }{
		{"started", "web (pid 42)", "web  started (pid 42)"},
		{"recreated", `job["a b"] (pid 7)`, `job["a b"]  recreated (pid 7)`},
		{"kept", `job["a b"]`, `job["a b"]  running (unchanged)`},
		{"removed", "old", "old  removed"},
	} {
		if got := outcomeLine(tt.what, tt.rest); got != tt.want {
			t.Errorf("outcomeLine(%q, %q) = %q, want %q", tt.what, tt.rest, got, tt.want)
		}
	}
}
