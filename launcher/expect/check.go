package expect

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"time"

	"github.com/hclsandbox/sandbox/config"
)

// Observed is what one sandbox did.
type Observed struct {
	// Ran is false when the sandbox never started (skipped, setup failed):
	// then every check fails and Reason says why.
	Ran    bool
	Reason string
	// ExitCode is the launcher's exit code for it; OOM whether the cgroup
	// counted an OOM kill.
	ExitCode int
	OOM      bool
	// PeakMemory is its cgroup's peak memory; HasUsage is false when it
	// had no cgroup, and then PeakMemory means nothing.
	PeakMemory uint64
	HasUsage   bool
	Duration   time.Duration
	// Stdout and Stderr are its output streams, whole.
	Stdout, Stderr []byte
}

// Verdict is the outcome of one check.
type Verdict struct {
	// Check names it: "exit_code", "stdout matches \"^ok$\"",
	// "file /out/x sha256".
	Check    string `json:"check"`
	Expected string `json:"expected"`
	Actual   string `json:"actual"`
	Pass     bool   `json:"pass"`
}

// Check makes every check of e against o, in a fixed order: exit code,
// OOM, peak memory, duration, stdout, stderr, files.
func Check(e *config.Expect, o Observed) []Verdict {
	var out []Verdict
	if e.ExitCode != nil {
		out = append(out, ran(o, verdict("exit_code", strconv.Itoa(*e.ExitCode), strconv.Itoa(o.ExitCode), o.ExitCode == *e.ExitCode)))
	}
	if e.OOM != nil {
		out = append(out, ran(o, verdict("oom", strconv.FormatBool(*e.OOM), strconv.FormatBool(o.OOM), o.OOM == *e.OOM)))
	}
	if e.MaxPeakMemory > 0 {
		out = append(out, ran(o, peakVerdict(e.MaxPeakMemory, o)))
	}
	if e.MaxDuration > 0 {
		out = append(out, ran(o, verdict("max_duration", "at most "+e.MaxDuration.String(), o.Duration.Round(time.Millisecond).String(), o.Duration <= e.MaxDuration)))
	}
	out = append(out, outputVerdicts("stdout", e.Stdout, o)...)
	out = append(out, outputVerdicts("stderr", e.Stderr, o)...)
	for _, f := range e.Files {
		out = append(out, fileVerdicts(f, o)...)
	}
	return out
}

// Passed reports whether every verdict passed.
func Passed(vs []Verdict) bool {
	for _, v := range vs {
		if !v.Pass {
			return false
		}
	}
	return true
}

func verdict(check, expected, actual string, pass bool) Verdict {
	return Verdict{Check: check, Expected: expected, Actual: actual, Pass: pass}
}

// ran fails v when the sandbox never ran: its figures are not its own.
func ran(o Observed, v Verdict) Verdict {
	if !o.Ran {
		v.Actual, v.Pass = "did not run: "+o.Reason, false
	}
	return v
}

func peakVerdict(max uint64, o Observed) Verdict {
	v := verdict("max_peak_memory", "at most "+config.FormatSize(max), config.FormatSize(o.PeakMemory), o.PeakMemory <= max)
	if !o.HasUsage {
		v.Actual, v.Pass = "unknown: the sandbox had no cgroup", false
	}
	return v
}

// outputVerdicts checks one stream: each pattern, then the golden file.
func outputVerdicts(name string, e *config.OutputExpect, o Observed) []Verdict {
	if e == nil {
		return nil
	}
	got := o.Stdout
	if name == "stderr" {
		got = o.Stderr
	}
	var out []Verdict
	for _, re := range e.Matches {
		out = append(out, ran(o, matchVerdict(name, re, got)))
	}
	if e.Golden != "" {
		want, err := os.ReadFile(e.Golden)
		out = append(out, ran(o, goldenVerdict(name+" golden "+e.Golden, want, err, got)))
	}
	return out
}

// matchVerdict checks that re matches somewhere in got, ^ and $ at line
// boundaries.
func matchVerdict(name, re string, got []byte) Verdict {
	v := verdict(fmt.Sprintf("%s matches %q", name, re), "a match", "", false)
	rx, err := regexp.Compile("(?m)" + re)
	if err != nil { // config checked it; kept for callers that did not
		v.Actual = err.Error()
		return v
	}
	if m := rx.Find(got); m != nil {
		v.Actual, v.Pass = quote(m), true
		return v
	}
	v.Actual = "no match in " + excerpt(got)
	return v
}

// goldenVerdict compares got with a golden file's content.
func goldenVerdict(check string, want []byte, err error, got []byte) Verdict {
	v := verdict(check, "", "", false)
	switch {
	case errors.Is(err, os.ErrNotExist):
		v.Expected, v.Actual = "the golden file (missing: sandbox test --update writes it)", excerpt(got)
	case err != nil:
		v.Expected, v.Actual = "the golden file", err.Error()
	case bytes.Equal(want, got):
		v.Expected, v.Actual, v.Pass = fmt.Sprintf("%d bytes", len(want)), fmt.Sprintf("%d bytes, equal", len(got)), true
	default:
		v.Expected, v.Actual = firstDifference(want, got)
	}
	return v
}

// fileVerdicts checks one file the sandbox left on the host.
func fileVerdicts(f config.FileExpect, o Observed) []Verdict {
	got, err := ReadKept(f)
	var out []Verdict
	if f.SHA256 != "" {
		v := verdict("file "+f.Path+" sha256", f.SHA256, "", false)
		if err != nil {
			v.Actual = err.Error()
		} else {
			sum := sha256.Sum256(got)
			v.Actual = hex.EncodeToString(sum[:])
			v.Pass = v.Actual == f.SHA256
		}
		out = append(out, ran(o, v))
	}
	if f.Golden != "" {
		v := verdict("file "+f.Path+" golden "+f.Golden, "", "", false)
		if err != nil {
			v.Expected, v.Actual = "the golden file", err.Error()
		} else {
			want, rerr := os.ReadFile(f.Golden)
			v = goldenVerdict(v.Check, want, rerr, got)
		}
		out = append(out, ran(o, v))
	}
	return out
}
