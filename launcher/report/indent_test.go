package report

import (
	"bytes"
	"encoding/json"
	"testing"
)

// indentCases are compact JSON values that exercise every rule of
// indentation: empty and nested containers, and strings holding the
// punctuation the indenter acts on, escaped quotes and backslashes.
var indentCases = []string{
	`null`, `0`, `-1.5e+10`, `true`, `""`, `"a"`,
	`{}`, `[]`, `[{}]`, `{"a":[]}`, `[[],[[]],{}]`, `{"a":{},"b":[{},[]]}`,
	`{"k":"v","n":1,"l":[1,2,3],"o":{"x":null}}`,
	`["{","}","[","]",",",":","\"","\\","\\\"","a\\\\","\u003c\u0026\u003e"]`,
	`{"a\"b":"c:d,e","\\":"\\\\"}`,
	`[{"a":[{"b":[]},{"c":{}}]},"end"]`,
}

// TestAppendIndentMatchesIndent: the indenter gives json.Indent's bytes.
func TestAppendIndentMatchesIndent(t *testing.T) {
	for _, src := range indentCases {
		checkIndent(t, []byte(src))
	}
}

// FuzzAppendIndent: for any valid JSON, compacted as json.Marshal leaves
// it, the indenter gives json.Indent's bytes.
func FuzzAppendIndent(f *testing.F) {
	for _, src := range indentCases {
		f.Add([]byte(src))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var compact bytes.Buffer
		if json.Compact(&compact, data) != nil {
			return
		}
		checkIndent(t, compact.Bytes())
	})
}

func checkIndent(t *testing.T, src []byte) {
	t.Helper()
	for _, p := range [][2]string{{"", "  "}, {"  ", "  "}, {">", "\t"}} {
		var want bytes.Buffer
		if err := json.Indent(&want, src, p[0], p[1]); err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if got := appendIndent([]byte("x"), src, p[0], p[1]); string(got) != "x"+want.String() {
			t.Errorf("%s with prefix %q, indent %q:\n%s\nwant:\n%s", src, p[0], p[1], got[1:], want.Bytes())
		}
	}
}
