package slurm

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/report"
	"github.com/hclsandbox/sandbox/launcher/rootfs"
	"github.com/hclsandbox/sandbox/launcher/supervise"
)

// Poll is how often Up asks squeue about its jobs.
const Poll = time.Second

// Batch is one `up --on slurm`: what to submit and how to follow it.
type Batch struct {
	// Sandboxes are the selected sandboxes, dependencies included, in
	// declaration order.
	Sandboxes []*config.Sandbox
	// Run is the command line each job runs on its node.
	Run func(*Job) RunCommand
	// Commander runs the Slurm client commands (Exec; tests fake it).
	Commander Commander
	// Signals are the launcher's SIGINT and SIGTERM: the first cancels
	// every job (supervise.Escalation's rule); Cancelling is told.
	Signals    <-chan os.Signal
	Cancelling func(os.Signal)
	// Output receives each task's output once it has ended, in
	// declaration order; nil discards it.
	Output func(name, file string)
	// ExitCodeFrom names the sandbox whose exit code is the batch's.
	ExitCodeFrom string
	// Poll is how often squeue is asked; 0: Poll.
	Poll time.Duration
}

// Up submits the batch's jobs, waits for every one to leave the queue and
// reports them like a local up: one outcome per task, and the batch's
// exit code. The jobs' output directory is removed at the end.
func Up(ctx context.Context, b Batch) (*report.Report, error) {
	if err := checkHealthy(b.Sandboxes); err != nil {
		return nil, err
	}
	outDir, err := os.MkdirTemp(outputDir(b.Sandboxes), ".sandbox-slurm-")
	if err != nil {
		return nil, fmt.Errorf("job output directory: %w", err)
	}
	defer os.RemoveAll(outDir)
	jobs := Jobs(b.Sandboxes)
	start := time.Now()
	ids, err := Submit(ctx, b.Commander, jobs, b.Run, outDir)
	if err != nil {
		Cancel(ctx, b.Commander, idValues(ids))
		return nil, err
	}
	interrupt, err := b.wait(ctx, ids)
	if err != nil {
		return nil, err
	}
	rep, err := b.collect(ctx, jobs, ids, outDir, interrupt)
	if err != nil {
		return nil, err
	}
	rep.Duration = time.Since(start).Seconds()
	return rep, nil
}

// checkHealthy refuses a "healthy" dependency: Slurm has no dependency
// type for a job that runs and passed a check, and afterok would wait
// for a server to end.
func checkHealthy(sbs []*config.Sandbox) error {
	for _, s := range sbs {
		for _, d := range s.DependsOn {
			if d.Condition == config.Healthy {
				return fmt.Errorf("%s: depends_on %s = \"healthy\" cannot run --on slurm: a job can wait only for another to start or to complete", s.Name, d.Name)
			}
		}
	}
	return nil
}

// wait waits for every job to leave the queue. The first SIGINT or
// SIGTERM cancels them all (queued and running) and it keeps waiting for
// the queue to drain; the signal's number is returned.
func (b Batch) wait(ctx context.Context, ids map[string]string) (int, error) {
	poll := b.Poll
	if poll <= 0 {
		poll = Poll
	}
	done := make(chan error, 1)
	go func() { done <- Wait(ctx, b.Commander, ids, poll) }()
	var esc supervise.Escalation // the scheduler's rule: a later interrupt changes nothing here
	for {
		select {
		case err := <-done:
			return int(esc.First), err
		case s := <-b.Signals:
			if esc.Classify(s) == supervise.Stop {
				if b.Cancelling != nil {
					b.Cancelling(s)
				}
				Cancel(ctx, b.Commander, idValues(ids))
			}
		}
	}
}

// collect reads how each task ended, hands on its output, and builds the
// report in declaration order.
func (b Batch) collect(ctx context.Context, jobs []*Job, ids map[string]string, outDir string, interrupt int) (*report.Report, error) {
	var outs []report.Outcome
	for _, j := range jobs {
		states, err := States(ctx, b.Commander, ids[j.Base])
		if err != nil {
			return nil, err
		}
		for i, name := range j.Instances {
			if b.Output != nil {
				b.Output(name, j.OutputFile(outDir, i))
			}
			outs = append(outs, Outcome(name, Task(states, i), interrupt != 0))
		}
	}
	return &report.Report{Sandboxes: outs, ExitCode: report.ExitCode(outs, interrupt, b.ExitCodeFrom)}, nil
}

func idValues(ids map[string]string) []string {
	var out []string
	for _, id := range ids {
		out = append(out, id)
	}
	return out
}

// outputDir is where the jobs write their output: next to the first
// configuration, which the nodes must share anyway.
func outputDir(sbs []*config.Sandbox) string {
	if len(sbs) == 0 || sbs[0].File == "" {
		return "."
	}
	return filepath.Dir(sbs[0].File)
}

// Outcome maps a task's Slurm state to a row of the report.
func Outcome(name string, st TaskState, interrupted bool) report.Outcome {
	o := report.Outcome{Name: name, ExitCode: st.ExitCode, Duration: st.RunTime.Seconds()}
	switch {
	case st.State == "COMPLETED" || st.State == "FAILED" && st.Signal == 0:
		o.Result = report.Exited
	case st.State == "TIMEOUT":
		o.Result, o.ExitCode = report.TimedOut, 128+int(syscall.SIGKILL)
	case st.State == "OUT_OF_MEMORY":
		o.Result, o.ExitCode = report.OOM, 128+int(syscall.SIGKILL)
	case st.State == "CANCELLED" && st.Reason == "DependencyNeverSatisfied":
		o.Result, o.Reason, o.ExitCode = report.Skipped, "a dependency failed", report.ExitSetup
	case st.State == "CANCELLED" && !st.Started:
		o.Result, o.Reason, o.ExitCode, o.Stopped = report.Skipped, "cancelled before it started", report.ExitSetup, true
	case st.State == "CANCELLED" || st.Signal != 0:
		sig := syscall.Signal(st.Signal)
		if sig == 0 {
			sig = syscall.SIGTERM
		}
		// Cancelled means stopped by this up's interrupt or by stop --on slurm.
		o.Result, o.Signal, o.ExitCode, o.Stopped = report.Killed, launcher.SignalName(sig), 128+int(sig), interrupted || st.State == "CANCELLED"
	default:
		o.Result, o.Reason, o.ExitCode = report.SetupFailed, "slurm job state "+st.State, report.ExitSetup
	}
	return o
}

// UnpinnedImages warns of the image sandboxes that no lock file pins:
// each node's `sandbox run` pulls the image into its own store, and an
// unpinned tag is resolved by each node when it pulls, so two nodes may
// run two images. A pinned one runs the pinned digest everywhere.
func UnpinnedImages(sbs []*config.Sandbox) []string {
	var out []string
	for _, s := range sbs {
		if s.Image == nil {
			continue
		}
		lock, err := rootfs.ReadLock(rootfs.LockPath(s.File))
		if e, ok := lock.Entries[s.Name]; err == nil && ok && e.Image == s.Image.String() {
			continue
		}
		out = append(out, fmt.Sprintf("%s: image %s is not pinned: each node resolves it when it pulls; run sandbox lock so that every node runs one digest", s.Name, s.Image))
	}
	return out
}
