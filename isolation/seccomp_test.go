package isolation

import (
	"encoding/base64"
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
	// The JSON is the base64 of the instructions, little-endian, as a string.
	raw := []byte{0x20, 0, 0, 0, 4, 0, 0, 0, 0x15, 0, 1, 0, 0x3e, 0, 0, 0xc0, 0x06, 0, 0, 0, 0, 0, 0xff, 0x7f}
	want, _ := json.Marshal(base64.StdEncoding.EncodeToString(raw))
	if got, err := json.Marshal(in.Program); err != nil || string(got) != string(want) {
		t.Errorf("program JSON = %s, %v; want %s", got, err, want)
	}
	if err := json.Unmarshal([]byte(`{"program":"AAA"}`), &out); err == nil {
		t.Errorf("a truncated program decoded without error")
	}
}
