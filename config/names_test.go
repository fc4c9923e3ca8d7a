package config

import "testing"

func TestValidName(t *testing.T) {
	for name, want := range map[string]bool{
		"web": true, "a.b_c-d": true, "job[2]": true, "job[0]": true, `worker["eu"]`: true, `w["a.b-c_d"]`: true,
		`w[".."]`: true, "9lives": true,
		"": false, ".": false, "..": false, "../d/trav": false, "/etc": false, "a/b": false, "web\x00x": false,
		"web\n": false, "-v": false, ".hidden": false, "job[]": false, "job[02]": false, "job[-1]": false,
		"job[10000]": false, "job[2": false, "job[2]x": false, `job["a/b"]`: false, `job[""]`: false, `job["]`: false,
		`job[eu]`: false, "job[2][3]": false, "a b": false, string(make([]byte, 64)): false,
		"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk":  true,
		"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl": false,
	} {
		if got := ValidName(name); got != want {
			t.Errorf("ValidName(%q) = %v, want %v", name, got, want)
		}
	}
}
