package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/supervise"
)

// A process of a sandbox that the OOM killer killed is in the table and
// the JSON report even when the first process exited by itself.
func TestOutcomeOOMKills(t *testing.T) {
	res := &launcher.Result{Name: "tests", ExitCode: 1, Usage: &launcher.Usage{PeakMemory: 100 << 20, OOMKills: 2}}
	o := OutcomeOf(&supervise.Unit{Plan: &launcher.Plan{Name: "tests"}, Ran: true, Result: res})
	if got, want := o.Describe(), "exited 1, oom-killed: 2 processes"; got != want {
		t.Errorf("Describe() = %q, want %q", got, want)
	}
	r := &Report{Sandboxes: []Outcome{o}}
	var table, js bytes.Buffer
	r.WriteTable(&table)
	if !strings.Contains(table.String(), "exited 1, oom-killed: 2 processes") {
		t.Errorf("table:\n%s\nwant the OOM kills", table.String())
	}
	if err := r.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back struct {
		Sandboxes []struct {
			OOMKills uint64 `json:"oom_kills"`
		}
	}
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || back.Sandboxes[0].OOMKills != 2 {
		t.Errorf("JSON %s: want oom_kills 2", js.String())
	}
}
