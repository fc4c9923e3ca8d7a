package export

import (
	"bytes"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// awkward are words a shell would split, expand or stop at.
var awkward = []string{"", "plain", "two words", "it's", `"double"`, "$HOME", "$(id)", "`id`",
	"line\nbreak", `back\slash`, "tab\there", "*", "~", "#hash", "=equals", "a;b", "-x", "'", "''",
	"semi;colon&amp|pipe>redir<in", "ünïcode", "!bang"}

// TestQuoteRoundTrip: sh reads every quoted word back as exactly itself.
func TestQuoteRoundTrip(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh on this machine")
	}
	script := `printf '%s\0' ` + QuoteAll(awkward)
	out, err := exec.Command("sh", "-c", script).Output()
	if err != nil {
		t.Fatalf("sh -c %q: %v", script, err)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	if !slices.Equal(got, awkward) {
		t.Errorf("sh read %q\nwant %q", got, awkward)
	}
}

// TestShellRoundTrip: a command's printed form, with its line breaks and
// a redirection, runs as the words it holds.
func TestShellRoundTrip(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh on this machine")
	}
	c := &Command{}
	c.add("sh", "-c", `printf '%s\0' "$@"; cat <&3`, "sh")
	for _, w := range awkward {
		c.add(w)
	}
	c.Redirects = []Redirect{{FD: 3, File: "/dev/null"}}
	out, err := exec.Command("sh", "-c", c.Shell()).Output()
	if err != nil {
		t.Fatalf("sh -c %q: %v", c.Shell(), err)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	if !slices.Equal(got, awkward) {
		t.Errorf("sh read %q\nwant %q", got, awkward)
	}
	if !bytes.Contains([]byte(c.Shell()), []byte(" \\\n")) {
		t.Errorf("Shell() = %q, want one group a line", c.Shell())
	}
}

func TestQuotePlain(t *testing.T) {
	for in, want := range map[string]string{"/usr/bin": "/usr/bin", "MemoryMax=1": "MemoryMax=1",
		"a b": "'a b'", "it's": `'it'\''s'`, "": "''", "=x": "'=x'"} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
}
