package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"time"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/expect"
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
	jobs := newJobs(sbs, plans)
	for _, j := range jobs {
		j.restart = config.Restart{Policy: config.RestartNo} // one run each: that is what is checked
	}
	tl := &testLaunch{batchOutput: newBatchOutput(e, plans, uo), caps: map[string]*captured{}}
	b := &batch{jobs: jobs, parallel: uo.parallel, failFast: uo.failFast, launch: tl.launch, ended: tl.ended, note: tl.note}
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, forwarded...)
	b.run(sigs)
	signal.Stop(sigs)
	rep := newReport(jobs, int(b.interrupt), "", time.Since(start))
	e.closeBudget(bc, rep)
	if err := batchErrors(jobs); err != nil {
		fmt.Fprintf(e.stderr, "sandbox: %v\n", err)
	}
	tr := e.checkJobs(sbs, jobs, rep, tl.caps, o)
	if b.interrupt != 0 {
		tr.ExitCode = 128 + int(b.interrupt) // what ran is reported; the run is not whole
	}
	e.writeJobReceipts(jobs, tr.verdictsByName())
	return e.finishTests(tr, o)
}

// launch starts j with its output going to a capture of its own, and
// through line writers as up's unless quiet.
func (tl *testLaunch) launch(j *job) (*launcher.Process, *launcher.Result, error) {
	c := &captured{}
	tl.mu.Lock()
	tl.caps[j.plan.Name] = c
	tl.mu.Unlock()
	var stdio launcher.Stdio
	if !tl.o.quiet {
		stdio, j.outs = tl.mux.stdio(j.plan.Name, tl.stdout, tl.e.stderr)
	}
	stdio.Stdout = tee(stdio.Stdout, streamWriter{c, &c.stdout})
	stdio.Stderr = tee(stdio.Stderr, streamWriter{c, &c.stderr})
	proc, res, release := tl.e.start(j.plan, stdio)
	j.release = release
	if proc != nil {
		for _, w := range proc.Warnings() {
			tl.mux.emit(tl.e.stderr, nil, []byte("sandbox: "+j.plan.Name+": warning: "+w))
		}
	}
	return proc, res, nil
}

// observed is what the expect package judges of one job.
func observed(j *job, out outcome, c *captured) expect.Observed {
	o := expect.Observed{Ran: j.ran, ExitCode: out.ExitCode, Duration: time.Duration(out.Duration * float64(time.Second))}
	switch {
	case out.Result == outSkipped:
		o.Reason = "skipped: " + out.Reason
	case !j.ran:
		o.Reason = "setup failed: " + out.Reason
	}
	if j.res != nil && j.res.Usage != nil {
		o.HasUsage, o.PeakMemory, o.OOM = true, j.res.Usage.PeakMemory, j.res.Usage.OOMKills > 0
	}
	if c != nil {
		o.Stdout, o.Stderr = c.stdout.Bytes(), c.stderr.Bytes()
	}
	return o
}
