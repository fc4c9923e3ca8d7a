package expect

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/config"
)

func intp(n int) *int    { return &n }
func boolp(b bool) *bool { return &b }

// TestCheck runs every kind of check against an observation that meets
// some and breaks others, and compares each verdict's values.
func TestCheck(t *testing.T) {
	dir := t.TempDir()
	golden := filepath.Join(dir, "out.golden")
	os.WriteFile(golden, []byte("a\nb\nc\n"), 0o644)
	e := &config.Expect{
		ExitCode: intp(0), OOM: boolp(false), MaxPeakMemory: 1 << 20, MaxDuration: time.Second,
		Stdout: &config.OutputExpect{Matches: []string{"^b$", "^z"}, Golden: golden},
		Stderr: &config.OutputExpect{Golden: filepath.Join(dir, "missing.golden")},
	}
	o := Observed{Ran: true, ExitCode: 3, PeakMemory: 2 << 20, HasUsage: true, Duration: 500 * time.Millisecond,
		Stdout: []byte("a\nb\nx\n"), Stderr: []byte("warn\n")}
	got := Check(e, o)
	want := []Verdict{
		{"exit_code", "0", "3", false},
		{"oom", "false", "false", true},
		{"max_peak_memory", "at most 1MiB", "2MiB", false},
		{"max_duration", "at most 1s", "500ms", true},
		{`stdout matches "^b$"`, "a match", `"b"`, true},
		{`stdout matches "^z"`, "a match", `no match in "a\nb\nx\n"`, false},
		{"stdout golden " + golden, `line 3: "c\n"`, `line 3: "x\n"`, false},
		{"stderr golden " + filepath.Join(dir, "missing.golden"), "the golden file (missing: sandbox test --update writes it)", `"warn\n"`, false},
	}
	if len(got) != len(want) {
		t.Fatalf("Check gave %d verdicts, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("verdict %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if Passed(got) {
		t.Error("Passed = true with failed verdicts")
	}
}

// TestCheckNotRun fails every check of a sandbox that never started and
// says why, rather than judging zero figures.
func TestCheckNotRun(t *testing.T) {
	e := &config.Expect{ExitCode: intp(125), MaxDuration: time.Second}
	got := Check(e, Observed{ExitCode: 125, Reason: "skipped: db did not complete"})
	for _, v := range got {
		if v.Pass || !strings.Contains(v.Actual, "did not run: skipped") {
			t.Errorf("verdict %+v, want a failure that says it did not run", v)
		}
	}
}

// TestPeakWithoutCgroup fails a memory ceiling that nothing measured.
func TestPeakWithoutCgroup(t *testing.T) {
	got := Check(&config.Expect{MaxPeakMemory: 1 << 30}, Observed{Ran: true})
	if got[0].Pass || !strings.Contains(got[0].Actual, "no cgroup") {
		t.Errorf("verdict %+v, want a failure naming the missing cgroup", got[0])
	}
}

// TestFileChecks checks a kept file by digest and golden file, and falls
// back to the lower layer.
func TestFileChecks(t *testing.T) {
	upper, lower, dir := t.TempDir(), t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(upper, "x"), []byte("hello\n"), 0o644)
	os.MkdirAll(filepath.Join(lower, "etc"), 0o755)
	os.WriteFile(filepath.Join(lower, "etc", "y"), []byte("lower\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "y.golden"), []byte("lower\n"), 0o644)
	e := &config.Expect{Files: []config.FileExpect{
		{Path: "/x", Root: upper, Rel: "x", SHA256: "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"},
		{Path: "/etc/y", Root: upper, Rel: "etc/y", Lower: lower, Golden: filepath.Join(dir, "y.golden")},
		{Path: "/gone", Root: upper, Rel: "gone", SHA256: strings.Repeat("0", 64)},
	}}
	got := Check(e, Observed{Ran: true})
	if !got[0].Pass || !got[1].Pass {
		t.Errorf("verdicts %+v, want the first two to pass", got[:2])
	}
	if got[2].Pass || !strings.Contains(got[2].Actual, "no such file") {
		t.Errorf("verdict %+v, want a failure naming the missing file", got[2])
	}
}

// TestFileSymlinkRefused is the attack: a sandbox replaces the checked
// file, or a directory on its way, by a symlink to a host file. The check
// fails without reading it, and --update copies nothing of it.
func TestFileSymlinkRefused(t *testing.T) {
	root, dir := t.TempDir(), t.TempDir()
	secret := filepath.Join(dir, "secret")
	os.WriteFile(secret, []byte("host secret\n"), 0o600)
	os.Symlink(secret, filepath.Join(root, "report"))
	os.Symlink(dir, filepath.Join(root, "sub"))
	golden := filepath.Join(dir, "report.golden")
	e := &config.Expect{Files: []config.FileExpect{
		{Path: "/out/report", Root: root, Rel: "report", Golden: golden},
		{Path: "/out/sub/secret", Root: root, Rel: "sub/secret", SHA256: strings.Repeat("0", 64)},
	}}
	for _, v := range Check(e, Observed{Ran: true}) {
		if v.Pass || strings.Contains(v.Actual, "host secret") || !strings.Contains(v.Actual, "symlink") {
			t.Errorf("verdict %+v, want a refusal naming the symlink", v)
		}
	}
	if _, err := Update(e, Observed{Ran: true}); err == nil {
		t.Error("Update followed the symlink")
	}
	if _, err := os.Stat(golden); err == nil {
		t.Error("Update wrote a golden file from a symlinked host file")
	}
}

// TestUpdate writes the golden files from what the sandbox did, then the
// same checks pass.
func TestUpdate(t *testing.T) {
	root, dir := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(root, "r"), []byte("report\n"), 0o644)
	e := &config.Expect{
		Stdout: &config.OutputExpect{Golden: filepath.Join(dir, "testdata", "out.golden")},
		Files:  []config.FileExpect{{Path: "/r", Root: root, Rel: "r", Golden: filepath.Join(dir, "r.golden")}},
	}
	o := Observed{Ran: true, Stdout: []byte("hi\n")}
	if Passed(Check(e, o)) {
		t.Fatal("checks passed before the golden files existed")
	}
	wrote, err := Update(e, o)
	if err != nil || len(wrote) != 2 {
		t.Fatalf("Update = %q, %v; want two files written", wrote, err)
	}
	if vs := Check(e, o); !Passed(vs) {
		t.Errorf("after Update: %+v", vs)
	}
	if wrote, _ := Update(e, o); len(wrote) != 0 {
		t.Errorf("a second Update rewrote %q", wrote)
	}
}
