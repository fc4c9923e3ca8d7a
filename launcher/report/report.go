package report

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/supervise"
)

// Outcome kinds of a sandbox in a batch report.
const (
	Exited      = "exited"
	Killed      = "killed"
	OOM         = "oom"
	TimedOut    = "timed out"
	Skipped     = "skipped"
	SetupFailed = "setup failed"
)

// ExitSetup is the exit code of a sandbox that never ran: the launcher or
// a setup step failed, or it was skipped.
const ExitSetup = 125

// Outcome is one row of the batch report: how one sandbox ended.
type Outcome struct {
	Name     string `json:"name"`
	Result   string `json:"result"`
	ExitCode int    `json:"exit_code"`
	Signal   string `json:"signal,omitempty"`
	// Reason explains a skip or a setup failure.
	Reason string `json:"reason,omitempty"`
	// Stopped is set when the batch stopped the sandbox (interrupt,
	// --fail-fast) rather than it ending by itself.
	Stopped    bool    `json:"stopped,omitempty"`
	Duration   float64 `json:"duration_s"`
	PeakMemory uint64  `json:"peak_memory_bytes"`
	CPUTime    float64 `json:"cpu_s"`
	// OOMKills counts the sandbox's processes the OOM killer killed,
	// whichever they were.
	OOMKills uint64 `json:"oom_kills,omitempty"`
	// SetupError is the step that failed, when the command never ran.
	SetupError string `json:"setup_error,omitempty"`
	// Output is the last lines a failed sandbox wrote (outputTail).
	Output []string `json:"output_tail,omitempty"`
	// Health is the last state of its health check, "" without one;
	// LastCheck says how its last check went.
	Health    string `json:"health,omitempty"`
	LastCheck string `json:"last_check,omitempty"`
}

// Report is the whole batch, as --json prints it.
type Report struct {
	Sandboxes []Outcome `json:"sandboxes"`
	ExitCode  int       `json:"exit_code"`
	Duration  float64   `json:"duration_s"`
	// Batch is the whole batch's usage when it ran in a batch cgroup.
	Batch *Usage `json:"batch,omitempty"`
}

// Usage is what the whole batch consumed, read from its cgroup.
type Usage struct {
	Cgroup     string  `json:"cgroup"`
	PeakMemory uint64  `json:"peak_memory_bytes"`
	CPUTime    float64 `json:"cpu_s"`
}

// OutcomeOf classifies how u ended; a setup failure carries its error.
func OutcomeOf(u *supervise.Unit) Outcome {
	o := Outcome{Name: u.Name(), Stopped: u.Stopped, Health: u.Health}
	if u.Health != "" && (u.Health != supervise.HealthStarting || u.LastCheck != (supervise.Check{})) {
		o.LastCheck = u.LastCheck.String()
	}
	r := u.Result
	switch {
	case u.Skip != "":
		o.Result, o.Reason, o.ExitCode = Skipped, u.Skip, ExitSetup
		return o
	case r.SetupError != nil:
		o.Result, o.Reason = SetupFailed, r.SetupError.Error()
		o.SetupError = o.Reason
	case r.TimedOut:
		o.Result = TimedOut
	case r.OOMKilled:
		o.Result = OOM
	case r.Signal != 0:
		o.Result, o.Signal = Killed, launcher.SignalName(r.Signal)
	default:
		o.Result = Exited
	}
	o.ExitCode = r.ExitCode
	o.Duration = r.Duration.Seconds()
	if r.Usage != nil {
		o.PeakMemory, o.CPUTime = r.Usage.PeakMemory, r.Usage.CPUTime.Seconds()
		o.OOMKills = r.Usage.OOMKills
	}
	return o
}

// Failed reports whether the Outcome counts as a failure.
func (o Outcome) Failed() bool { return o.Result != Exited || o.ExitCode != 0 }

// Describe is the RESULT column: "exited 3", "killed by SIGTERM", and
// "oom-killed: N processes" after it when the OOM killer killed any
// process but a first one that "oom" already tells of.
func (o Outcome) Describe() string {
	d := o.describeEnd()
	if o.OOMKills > 1 || (o.OOMKills == 1 && o.Result != OOM) {
		d += ", " + launcher.OOMNote(o.OOMKills)
	}
	return d
}

func (o Outcome) describeEnd() string {
	switch o.Result {
	case Exited:
		return fmt.Sprintf("exited %d", o.ExitCode)
	case Killed:
		return "killed by " + o.Signal
	case Skipped:
		return "skipped: " + o.Reason
	}
	return o.Result
}

// healthSuffix is " (healthy)" after the RESULT of a sandbox with a
// health check, as docker shows it after a status.
func (o Outcome) healthSuffix() string {
	if o.Health == "" {
		return ""
	}
	return " (" + o.Health + ")"
}

// New gathers the outcomes in declaration order and the batch's exit
// code (see ExitCode).
func New(units []*supervise.Unit, interrupt int, from string, elapsed time.Duration) *Report {
	r := &Report{Duration: elapsed.Seconds()}
	for _, u := range units {
		r.Sandboxes = append(r.Sandboxes, OutcomeOf(u))
	}
	r.ExitCode = ExitCode(r.Sandboxes, interrupt, from)
	return r
}

// AddOutput gives each failed sandbox that ran (or tried to) its last
// lines of output, as tail returns them for its name.
func (r *Report) AddOutput(tail func(name string) []string) {
	for i := range r.Sandboxes {
		o := &r.Sandboxes[i]
		if o.Failed() && o.Result != Skipped {
			o.Output = tail(o.Name)
		}
	}
}

// ExitCode is from's exit code when from is set; else 0 when every
// sandbox succeeded; else the exit code of the first sandbox in
// declaration order that failed by itself; else, when an interrupt
// stopped the batch, 128 + its number; else the first failure's code.
func ExitCode(outs []Outcome, interrupt int, from string) int {
	if from != "" {
		for _, o := range outs {
			if o.Name == from {
				return o.ExitCode
			}
		}
	}
	for _, o := range outs {
		if o.Failed() && !o.Stopped && o.Result != Skipped {
			return o.ExitCode
		}
	}
	if interrupt != 0 {
		return 128 + interrupt
	}
	for _, o := range outs {
		if o.Failed() {
			return o.ExitCode
		}
	}
	return 0
}

// WriteTable prints the report as an aligned table.
func (r *Report) WriteTable(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tRESULT\tDURATION\tPEAK MEMORY\tCPU")
	for _, o := range r.Sandboxes {
		mem := "-"
		if o.PeakMemory > 0 {
			mem = config.FormatSize(o.PeakMemory)
		}
		fmt.Fprintf(tw, "%s\t%s\t%.2fs\t%s\t%.2fs\n", o.Name, o.Describe()+o.healthSuffix(), o.Duration, mem, o.CPUTime)
	}
	if b := r.Batch; b != nil {
		n := len(r.Sandboxes)
		fmt.Fprintf(tw, "(%s)\t%s\t%.2fs\t%s\t%.2fs\n", b.Cgroup, countSandboxes(n), r.Duration, config.FormatSize(b.PeakMemory), b.CPUTime)
	}
	tw.Flush()
}

// countSandboxes is "1 sandbox" or "N sandboxes".
func countSandboxes(n int) string {
	if n == 1 {
		return "1 sandbox"
	}
	return fmt.Sprintf("%d sandboxes", n)
}

// WriteJSON prints the report as one indented JSON document.
func (r *Report) WriteJSON(w io.Writer) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode report: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
