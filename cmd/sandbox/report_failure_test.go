package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/launcher/relay"

	"github.com/hclsandbox/sandbox/internal/testenv"
	"github.com/hclsandbox/sandbox/isolation"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/report"
	"github.com/hclsandbox/sandbox/launcher/supervise"
)

// A failed sandbox's report carries its setup error and its last lines of
// output, in --json and in --junit; one that succeeded carries neither.
func TestReportCarriesFailure(t *testing.T) {
	tails := map[string]*relay.Tail{"tests": {}, "web": {}, "ok": {}}
	for i := range 30 {
		fmt.Fprintf(tails["tests"], "step %d\n", i)
	}
	tails["ok"].Write([]byte("fine\n"))
	units := []*supervise.Unit{
		{Plan: &launcher.Plan{Name: "tests"}, Ran: true, Result: &launcher.Result{Name: "tests", ExitCode: 3}},
		{Plan: &launcher.Plan{Name: "web"}, Result: &launcher.Result{Name: "web", ExitCode: 125,
			SetupError: &isolation.StepError{Step: "publish port 8080", Msg: "address already in use"}}},
		{Plan: &launcher.Plan{Name: "ok"}, Ran: true, Result: &launcher.Result{Name: "ok"}},
	}
	rep := report.New(units, 0, "", time.Second)
	rep.AddOutput(func(name string) []string { return tails[name].Lines() })

	var js bytes.Buffer
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back report.Report
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if out := back.Sandboxes[0].Output; len(out) != 20 || out[19] != "step 29" {
		t.Errorf("tests' output_tail = %q, want its last 20 lines", out)
	}
	if got := back.Sandboxes[1]; got.Result != report.SetupFailed || got.SetupError != "publish port 8080: address already in use" {
		t.Errorf("web = %+v, want setup failed with its error", got)
	}
	if got := back.Sandboxes[2]; got.Output != nil || got.SetupError != "" {
		t.Errorf("ok = %+v, want no output tail and no error", got)
	}

	path := filepath.Join(t.TempDir(), "junit.xml")
	if err := report.WriteJUnitFile(path, rep); err != nil {
		t.Fatal(err)
	}
	if lint := testenv.XMLLint(t); lint != "" {
		testenv.ValidateJUnit(t, lint, "testdata/junit/junit-4.xsd", path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"step 29", "publish port 8080: address already in use"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("junit report lacks %q:\n%s", want, b)
		}
	}
	if strings.Contains(string(b), "fine") {
		t.Errorf("junit report holds the output of a sandbox that succeeded:\n%s", b)
	}
}

// The batch line of the table counts one sandbox as one.
func TestTableOneSandbox(t *testing.T) {
	rep := &report.Report{Sandboxes: []report.Outcome{{Name: "a", Result: report.Exited}}, Batch: &report.Usage{Cgroup: "sandbox/b"}}
	var buf bytes.Buffer
	rep.WriteTable(&buf)
	if !strings.Contains(buf.String(), " 1 sandbox ") {
		t.Errorf("table:\n%s\nwant \"1 sandbox\"", buf.String())
	}
}
