package config

import (
	"strings"
	"testing"
)

func TestValidName(t *testing.T) {
	for name, want := range map[string]bool{
		"web": true, "a.b_c-d": true, "job[2]": true, "job[0]": true, `worker["eu"]`: true, `w["a.b-c_d"]`: true,
		`w[".."]`: true, "9lives": true,
		"": false, ".": false, "..": false, "../d/trav": false, "/etc": false, "a/b": false, "web\x00x": false,
		"web\n": false, "-v": false, ".hidden": false, "job[]": false, "job[02]": false, "job[-1]": false,
		"job[10000]": false, "job[2": false, "job[2]x": false, `job["a/b"]`: true, `job[""]`: true, `job["]`: false, `job["a\nb"]`: true,
		"job[\"a\nb\"]": false, `job["a"b"]`: false, `job["\x41"]`: false,
		`job[eu]`: false, "job[2][3]": false, "a b": false, string(make([]byte, 64)): false,
		"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk":  true,
		"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl": false,
	} {
		if got := ValidName(name); got != want {
			t.Errorf("ValidName(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestPathName: every name a sandbox can have maps to one path component
// of bounded length, never "." or "..", different for different names;
// the names that were path components already stay as they are.
func TestPathName(t *testing.T) {
	long := strings.Repeat("k/", 300)
	names := []string{"web", "job[2]", `worker["eu"]`, `w[".."]`, `job["github.com/zclconf/go-cty/cty"]`,
		`job["github.com-zclconf-go-cty-cty"]`, `job[""]`, `job["a\nb"]`, `job["` + long + `"]`, `job["` + long + `x"]`,
		`job["../../etc"]`, `j["/"]`, `j["~"]`, `j["-"]`}
	seen := map[string]string{}
	for _, n := range names {
		if !ValidName(n) {
			t.Fatalf("ValidName(%q) = false", n)
		}
		p := PathName(n)
		if p == "" || p == "." || p == ".." || strings.ContainsAny(p, "/\x00\n") || len(p) > 140 || (p != n && len(p) > 97) {
			t.Errorf("PathName(%q) = %q, not a safe path component", n, p)
		}
		if other, dup := seen[p]; dup {
			t.Errorf("PathName(%q) = PathName(%q) = %q", n, other, p)
		}
		seen[p] = n
	}
	for _, n := range []string{"web", "job[2]", `worker["eu"]`, `w[".."]`} {
		if p := PathName(n); p != n {
			t.Errorf("PathName(%q) = %q, want the name itself", n, p)
		}
	}
	if p := PathName(`job["github.com/zclconf/go-cty/cty"]`); !strings.HasPrefix(p, "job~github.com-zclconf-g~") {
		t.Errorf("PathName = %q, want a readable prefix", p)
	}
}
