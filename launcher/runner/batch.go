package runner

import (
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/relay"
	"github.com/hclsandbox/sandbox/launcher/report"
	"github.com/hclsandbox/sandbox/launcher/supervise"
)

// BatchOptions are how up runs a batch.
type BatchOptions struct {
	Parallel     int    // at most this many at once; 0: all
	FailFast     bool   // stop every other sandbox once one fails
	Quiet        bool   // discard the sandboxes' output
	NoPrefix     bool   // no "name | " before each line
	JSON         bool   // the sandboxes' output goes to stderr: stdout is the report's
	CgroupParent string // the batch's cgroup, sandbox/NAME
	ExitCodeFrom string // the sandbox whose exit code is the batch's
	UpdateLock   bool   // record changed rootfs digests instead of refusing them
}

// Up selects the named sandboxes of cfg (with what they depend on),
// prepares and plans them, and runs them as one batch; command names
// the command in their receipts. The report says how each one ended.
func (r *Runner) Up(command string, cfg *config.Config, names []string, o BatchOptions) (*report.Report, error) {
	sbs, err := SelectBatch(cfg, names)
	if err != nil {
		return nil, err
	}
	if o.ExitCodeFrom != "" && !HasName(sbs, o.ExitCodeFrom) {
		return nil, UnknownName(o.ExitCodeFrom, SandboxNames(sbs))
	}
	host, roots, plans, err := r.StartPlans(cfg, sbs, o.UpdateLock)
	if err != nil {
		return nil, err
	}
	if r.Detached {
		if sbs, plans, err = r.converge(sbs, plans, len(names) == 0); err != nil {
			return nil, err
		}
	}
	r.PrepareReceipts(command, cfg, sbs, plans, roots, host, nil)
	r.Ready.Expect(len(plans)) // up -d returns once each has started or failed
	bc, err := r.Budget(cfg, plans, host, o.CgroupParent)
	if err != nil {
		return nil, err
	}
	return r.RunBatch(sbs, plans, bc, o), nil
}

// PrepareReceipts makes the receipts of the sandboxes about to run.
func (r *Runner) PrepareReceipts(command string, cfg *config.Config, sbs []*config.Sandbox, plans []*launcher.Plan,
	roots map[*config.Sandbox]*launcher.PreparedRootfs, host *launcher.Host, args []string) {
	if r.Receipts != nil {
		r.Receipts.Prepare(command, cfg, sbs, plans, BuildPlans(sbs, host, nil), roots, host, args)
	}
}

// writeReceipts writes the receipts of a batch that ended.
func (r *Runner) writeReceipts(units []*supervise.Unit) {
	if r.Receipts != nil {
		r.Receipts.WriteAll(units, nil, r.State.Home())
	}
}

// SelectBatch is SelectSandboxes plus, transitively, every sandbox the
// selected ones depend on, in declaration order.
func SelectBatch(cfg *config.Config, names []string) ([]*config.Sandbox, error) {
	sbs, err := SelectSandboxes(cfg, names)
	if err != nil || len(names) == 0 {
		return sbs, err
	}
	want := map[string]bool{}
	var add func(s *config.Sandbox)
	add = func(s *config.Sandbox) {
		if want[s.Name] {
			return
		}
		want[s.Name] = true
		for _, d := range s.DependsOn {
			for _, t := range d.Targets {
				add(cfg.Lookup(t))
			}
		}
	}
	for _, s := range sbs {
		add(s)
	}
	var out []*config.Sandbox
	for _, s := range cfg.Sandboxes {
		if want[s.Name] {
			out = append(out, s)
		}
	}
	return out, nil
}

// SandboxNames are the names of sbs.
func SandboxNames(sbs []*config.Sandbox) []string {
	out := make([]string, len(sbs))
	for i, s := range sbs {
		out[i] = s.Name
	}
	return out
}

// HasName reports whether one of sbs is called name.
func HasName(sbs []*config.Sandbox, name string) bool {
	for _, s := range sbs {
		if s.Name == name {
			return true
		}
	}
	return false
}

// RunBatch runs the plans under bc, writes their receipts and returns
// the report, which the command prints.
func (r *Runner) RunBatch(sbs []*config.Sandbox, plans []*launcher.Plan, bc *launcher.BatchCgroup, o BatchOptions) *report.Report {
	start := time.Now()
	units := NewUnits(sbs, plans)
	out := NewOutput(r, plans, o)
	s := supervise.New(out.Options(), units)
	Schedule(s)
	r.writeReceipts(units)
	rep := report.New(units, int(s.Interrupt()), o.ExitCodeFrom, time.Since(start))
	rep.AddOutput(out.tail)
	r.CloseBudget(bc, rep)
	return rep
}

// Output connects the sandboxes' output to the launcher's.
type Output struct {
	r      *Runner
	o      BatchOptions
	mux    *relay.Mux
	stdout io.Writer
	mu     sync.Mutex
	outs   map[string][2]*relay.LineWriter // each sandbox's, flushed when it ends
	tails  map[string]*relay.Tail          // each sandbox's last lines, for the reports
}

// NewOutput prepares the output of a batch of plans.
func NewOutput(r *Runner, plans []*launcher.Plan, o BatchOptions) *Output {
	names := make([]string, len(plans))
	for i, p := range plans {
		names[i] = p.Name
	}
	out := r.Stdout
	if o.JSON {
		out = r.Stderr
	}
	color := false
	if f, ok := out.(*os.File); ok {
		color = relay.WantColor(f)
	}
	return &Output{r: r, o: o, mux: relay.NewMux(names, !o.NoPrefix && len(plans) > 1, color), stdout: out,
		outs: map[string][2]*relay.LineWriter{}, tails: map[string]*relay.Tail{}}
}

// Options are how up schedules a batch: at most Parallel at once,
// FailFast, and the escalation of every scheduler.
func (bo *Output) Options() supervise.Options {
	return supervise.Options{Start: bo.launch, Parallel: bo.o.Parallel, FailFast: bo.o.FailFast, Check: bo.r.Check,
		Hooks: supervise.Hooks{Ended: bo.ended, Exited: bo.exited, Stopping: bo.stopping, Health: bo.health,
			Skipped: bo.skipped}}
}

// health records u's new health and says it in a status line: the
// checks' own output is not mixed into the sandbox's, but the line of a
// sandbox that became unhealthy ends with its last check's.
func (bo *Output) health(u *supervise.Unit) {
	bo.r.NoteHealth(u)
	bo.mux.Emit(bo.r.Stderr, bo.mux.StatusPrefix(u.Name()), []byte(HealthLine(u)))
}

// skipped says in one line why u never starts when it waited for dep
// to be healthy: the summary comes only at the end of the batch.
func (bo *Output) skipped(u *supervise.Unit, dep string) {
	if WaitsHealthy(u, dep) {
		bo.mux.Emit(bo.r.Stderr, nil, []byte("sandbox: "+u.Name()+" not started: "+u.Skip))
	}
}

// WaitsHealthy reports whether u depends on dep being healthy.
func WaitsHealthy(u *supervise.Unit, dep string) bool {
	if u.Sandbox == nil {
		return false
	}
	for _, d := range u.Sandbox.DependsOn {
		if d.Condition == config.Healthy && slices.Contains(d.Targets, dep) {
			return true
		}
	}
	return false
}

// stopping says that u was asked to stop, how, and when it is killed:
// a stop that waits on a sandbox that ignores its signal is not silent.
func (bo *Output) stopping(u *supervise.Unit, sig syscall.Signal, timeout time.Duration) {
	bo.mux.Emit(bo.r.Stderr, nil, []byte(stoppingLine(u.Name(), sig, timeout)))
}

// stoppingLine is the line a stop of name begins with.
func stoppingLine(name string, sig syscall.Signal, timeout time.Duration) string {
	return fmt.Sprintf("sandbox: stopping %s: %s, SIGKILL in %s (Ctrl-C again to kill now)", name, launcher.SignalName(sig), timeout)
}

// launch starts u with its output going through line writers.
func (bo *Output) launch(u *supervise.Unit) (supervise.Process, *launcher.Result, func()) {
	tail := &relay.Tail{}
	stdio := launcher.Stdio{Stdout: tail, Stderr: tail}
	var outs [2]*relay.LineWriter
	if !bo.o.Quiet {
		stdio, outs = bo.mux.Stdio(u.Name(), bo.stdout, bo.r.Stderr)
		stdio.Stdout, stdio.Stderr = io.MultiWriter(stdio.Stdout, tail), io.MultiWriter(stdio.Stderr, tail)
	}
	bo.mu.Lock()
	bo.outs[u.Name()], bo.tails[u.Name()] = outs, tail
	bo.mu.Unlock()
	// Through the name's claim: a record while it runs, and up -d's report.
	return bo.Start(u, stdio)
}

// Start starts u with stdio through the runner's Start, printing the
// start's warnings.
func (bo *Output) Start(u *supervise.Unit, stdio launcher.Stdio) (supervise.Process, *launcher.Result, func()) {
	proc, res, release := bo.r.Start(u.Plan, stdio)
	if proc != nil && !bo.r.Detached { // Start has told up -d's caller
		for _, w := range proc.Warnings() {
			bo.mux.Emit(bo.r.Stderr, nil, []byte("sandbox: "+u.Name()+": warning: "+w))
		}
	}
	return AsProcess(proc), res, release
}

// LineStdio gives u line writers onto the launcher's streams, flushed
// when it ends; with Quiet, none.
func (bo *Output) LineStdio(u *supervise.Unit) launcher.Stdio {
	if bo.o.Quiet {
		return launcher.Stdio{}
	}
	stdio, outs := bo.mux.Stdio(u.Name(), bo.stdout, bo.r.Stderr)
	bo.mu.Lock()
	bo.outs[u.Name()] = outs
	bo.mu.Unlock()
	return stdio
}

// ended flushes u's partial last lines once its output is complete. A
// sandbox that never reached launch (skipped) still reports to up -d.
func (bo *Output) ended(u *supervise.Unit) {
	if !u.Launched() {
		bo.r.Ready.Report(u.Name(), 0)
	}
	bo.flush(u)
}

// tail is the last lines the sandbox called name wrote, or none.
func (bo *Output) tail(name string) []string {
	bo.mu.Lock()
	defer bo.mu.Unlock()
	return bo.tails[name].Lines()
}

func (bo *Output) flush(u *supervise.Unit) {
	bo.mu.Lock()
	outs := bo.outs[u.Name()]
	bo.mu.Unlock()
	for _, w := range outs {
		if w != nil {
			w.Flush()
		}
	}
}

// exited prints a status line about a restart of u, prefixed with its name.
func (bo *Output) exited(u *supervise.Unit, res *launcher.Result, wait time.Duration, n int) {
	if wait <= 0 {
		return
	}
	bo.flush(u)
	bo.mux.Emit(bo.r.Stderr, bo.mux.StatusPrefix(u.Name()),
		fmt.Appendf(nil, "exited with %d → restarting in %s (%d)", res.ExitCode, wait, n))
}
