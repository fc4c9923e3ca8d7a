package launcher

import (
	"strings"
	"testing"
)

// TestSafeNameBounded: a for_each key may be any string, so a SafeName
// (cgroup directory, default hostname, DNS name) is bounded and long
// names that share a start stay apart.
func TestSafeNameBounded(t *testing.T) {
	long := `job["` + strings.Repeat("github.com/zclconf/", 20)
	a, b := SafeName(long+`a"]`), SafeName(long+`b"]`)
	if len(a) > 63 || len(b) > 63 || a == b {
		t.Errorf("SafeName = %q and %q, want two different names of at most 63 bytes", a, b)
	}
	if got := SafeName(`job["github.com/zclconf/go-cty/cty"]`); got != "job-github-com-zclconf-go-cty-cty" {
		t.Errorf("SafeName = %q, want job-github-com-zclconf-go-cty-cty", got)
	}
	if got := SafeName(`worker["eu"]`); got != "worker-eu" {
		t.Errorf("SafeName = %q, want worker-eu", got)
	}
}
