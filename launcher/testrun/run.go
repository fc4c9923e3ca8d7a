package testrun

import (
	"bytes"
	"io"
	"sync"
	"time"

	"github.com/hclsandbox/sandbox/launcher/runner"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/expect"
	"github.com/hclsandbox/sandbox/launcher/report"
	"github.com/hclsandbox/sandbox/launcher/supervise"
)

// captured holds one sandbox's output streams, whole, for its checks.
type captured struct {
	mu             sync.Mutex
	stdout, stderr bytes.Buffer
}

// streamWriter appends to one stream of a capture.
type streamWriter struct {
	c *captured
	b *bytes.Buffer
}

func (w streamWriter) Write(p []byte) (int, error) {
	w.c.mu.Lock()
	defer w.c.mu.Unlock()
	return w.b.Write(p)
}

// testLaunch starts a job as up does, and also captures its output.
// Jobs start on goroutines of their own: mu guards caps.
type testLaunch struct {
	out  *runner.Output
	mu   sync.Mutex
	caps map[string]*captured
}

// tee writes to w, when there is one, and to c.
func tee(w io.Writer, c io.Writer) io.Writer {
	if w == nil {
		return c
	}
	return io.MultiWriter(w, c)
}

// Options are how sandbox test runs its batch.
type Options struct {
	runner.BatchOptions
	// Update rewrites every golden file from what the sandboxes did.
	Update bool
}

// Run prepares, plans and runs sbs of cfg as one batch, as up does (each
// run once), checks every tested sandbox, writes the receipts and
// returns the report; its ExitCode is the command's.
func Run(r *runner.Runner, cfg *config.Config, sbs []*config.Sandbox, o Options) (*Report, error) {
	host, roots, plans, err := r.StartPlans(cfg, sbs, false)
	if err != nil {
		return nil, err
	}
	r.PrepareReceipts("test", cfg, sbs, plans, roots, host, nil)
	bc, err := r.Budget(cfg, plans, host, o.CgroupParent)
	if err != nil {
		return nil, err
	}
	return runTests(r, sbs, plans, bc, o), nil
}

// runTests runs the batch, checks every tested sandbox and writes the
// receipts.
func runTests(r *runner.Runner, sbs []*config.Sandbox, plans []*launcher.Plan, bc *launcher.BatchCgroup, o Options) *Report {
	start := time.Now()
	units := runner.NewUnits(onceEach(sbs), plans)
	tl := &testLaunch{out: runner.NewOutput(r, plans, o.BatchOptions), caps: map[string]*captured{}}
	opts := tl.out.Options()
	opts.Start = tl.launch
	s := supervise.New(opts, units)
	runner.Schedule(s)
	rep := report.New(units, int(s.Interrupt()), "", time.Since(start))
	r.CloseBudget(bc, rep)
	tr := checkUnits(r.Stderr, sbs, units, rep, tl.caps, o.Update)
	if s.Interrupt() != 0 {
		tr.ExitCode = 128 + int(s.Interrupt()) // what ran is reported; the run is not whole
	}
	if r.Receipts != nil {
		r.Receipts.WriteAll(units, tr.verdictsByName(), r.State.Home())
	}
	return tr
}

// onceEach is sbs with every restart policy "no": sandbox test checks one
// run of each.
func onceEach(sbs []*config.Sandbox) []*config.Sandbox {
	out := make([]*config.Sandbox, len(sbs))
	for i, s := range sbs {
		c := *s
		c.Restart = config.Restart{Policy: config.RestartNo}
		out[i] = &c
	}
	return out
}

// launch starts u with its output going to a capture of its own, and
// through line writers as up's unless quiet.
func (tl *testLaunch) launch(u *supervise.Unit) (supervise.Process, *launcher.Result, func()) {
	c := &captured{}
	tl.mu.Lock()
	tl.caps[u.Name()] = c
	tl.mu.Unlock()
	stdio := tl.out.LineStdio(u)
	stdio.Stdout = tee(stdio.Stdout, streamWriter{c, &c.stdout})
	stdio.Stderr = tee(stdio.Stderr, streamWriter{c, &c.stderr})
	return tl.out.Start(u, stdio)
}

// observed is what the expect package judges of one sandbox's run.
func observed(u *supervise.Unit, out report.Outcome, c *captured) expect.Observed {
	o := expect.Observed{Ran: u.Ran, ExitCode: out.ExitCode, Duration: time.Duration(out.Duration * float64(time.Second))}
	switch {
	case out.Result == report.Skipped:
		o.Reason = "skipped: " + out.Reason
	case !u.Ran:
		o.Reason = "setup failed: " + out.Reason
	}
	if u.Result != nil && u.Result.Usage != nil {
		o.HasUsage, o.PeakMemory, o.OOM = true, u.Result.Usage.PeakMemory, u.Result.Usage.OOMKills > 0
	}
	if c != nil {
		o.Stdout, o.Stderr = c.stdout.Bytes(), c.stderr.Bytes()
	}
	return o
}
