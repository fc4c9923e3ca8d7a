package main

import (
	"bytes"
	"github.com/hclsandbox/sandbox/launcher/relay"
	"io"
	"sync"
	"time"

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
	*batchOutput
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

// runTests runs the batch, checks every tested sandbox, writes the
// reports and the receipts, and turns the outcome into the exit code.
func (e *env) runTests(sbs []*config.Sandbox, plans []*launcher.Plan, bc *launcher.BatchCgroup, uo *upOptions, o *testOptions) error {
	start := time.Now()
	units := newUnits(onceEach(sbs), plans)
	tl := &testLaunch{batchOutput: newBatchOutput(e, plans, uo), caps: map[string]*captured{}}
	opts := tl.options()
	opts.Start = tl.launch
	s := supervise.New(opts, units)
	schedule(s)
	rep := report.New(units, int(s.Interrupt()), "", time.Since(start))
	e.closeBudget(bc, rep)
	tr := e.checkUnits(sbs, units, rep, tl.caps, o)
	if s.Interrupt() != 0 {
		tr.ExitCode = 128 + int(s.Interrupt()) // what ran is reported; the run is not whole
	}
	e.writeReceipts(units, tr.verdictsByName())
	return e.finishTests(tr, o)
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
	var stdio launcher.Stdio
	if !tl.o.quiet {
		var outs [2]*relay.LineWriter
		stdio, outs = tl.mux.Stdio(u.Name(), tl.stdout, tl.e.stderr)
		tl.batchOutput.mu.Lock()
		tl.outs[u.Name()] = outs
		tl.batchOutput.mu.Unlock()
	}
	stdio.Stdout = tee(stdio.Stdout, streamWriter{c, &c.stdout})
	stdio.Stderr = tee(stdio.Stderr, streamWriter{c, &c.stderr})
	proc, res, release := tl.e.start(u.Plan, stdio)
	if proc != nil {
		for _, w := range proc.Warnings() {
			tl.mux.Emit(tl.e.stderr, nil, []byte("sandbox: "+u.Name()+": warning: "+w))
		}
	}
	return asProcess(proc), res, release
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
