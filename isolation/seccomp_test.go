package isolation

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestProgramJSONRoundTrip(t *testing.T) {
	in := Seccomp{Profile: "default", Allowed: 2, Program: Program{
		{Code: 0x20, K: 4}, {Code: 0x15, Jt: 1, Jf: 0, K: 0xc000003e}, {Code: 0x06, K: 0x7fff0000},
	}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out Seccomp
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("Unmarshal(%s) = %v", b, err)
	}
	if !slices.Equal(out.Program, in.Program) || out.Profile != in.Profile {
		t.Errorf("round trip = %+v, want %+v", out, in)
	}
	if err := json.Unmarshal([]byte(`{"program":"AAA"}`), &out); err == nil {
		t.Errorf("a truncated program decoded without error")
	}
}
