package receipt

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/cgroups"
	"github.com/hclsandbox/sandbox/launcher/expect"
	"github.com/hclsandbox/sandbox/launcher/report"
	"github.com/hclsandbox/sandbox/launcher/supervise"
)

// Book gathers the receipt of each sandbox a command runs: its inputs
// before the start, its limits read back once it runs, its end. Each
// receipt goes into the state directory's receipt directory, and into
// Dir too when it is set (--receipt). Its methods may be called from
// many goroutines.
type Book struct {
	// Dir is a directory that gets a copy of every receipt, or "".
	Dir string
	// Stderr gets the warnings (the book never fails a run); nil is
	// the process's standard error.
	Stderr  io.Writer
	mu      sync.Mutex
	pending map[string]*pendingReceipt
	// roots are the descriptions of roots begun so far, by rootfs
	// source: sandboxes that share one digest it once.
	roots map[string]*rootJob
}

// rootJob describes one rootfs in the background; done is closed once r
// and err are set.
type rootJob struct {
	done chan struct{}
	r    Root
	err  error
}

// pendingReceipt is a receipt whose sandbox has not ended yet. Its root
// is described while the sandbox starts and runs, in the background
// (root), so that digesting a rootfs (a stat walk against the kept index)
// neither delays a start nor waits for the end. A sandbox cannot change
// the directory it runs from (its root is read-only or an overlay over
// it), so the digest is the same at any moment of the run. The plan as
// `sandbox plan` shows it is not kept: a batch would hold every plan
// twice.
type pendingReceipt struct {
	r    *Receipt
	plan *launcher.Plan
	root *rootJob
}

// Prepare makes the receipt of each sandbox about to run with plans;
// planned are the same sandboxes' plans before their roots were prepared
// (as sandbox plan shows them); args replace the command (run -- ARGS).
// A receipt that cannot be made is a warning: the sandboxes run anyway.
func (b *Book) Prepare(command string, cfg *config.Config, sbs []*config.Sandbox, plans, planned []*launcher.Plan,
	roots map[*config.Sandbox]*launcher.PreparedRootfs, host *launcher.Host, args []string) {
	in, err := InputsOf(cfg)
	if err != nil {
		fmt.Fprintf(b.stderr(), "sandbox: warning: no receipts: %v\n", err)
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pending = map[string]*pendingReceipt{}
	b.roots = map[string]*rootJob{}
	for i, s := range sbs {
		p := planned[i]
		if len(args) > 0 {
			p = p.WithArgs(args)
		}
		r := New(command, in, s.Name, p, Root{}, host)
		r.Args = args
		b.pending[s.Name] = &pendingReceipt{r: r, plan: plans[i], root: b.describe(s, p, preparedDigest(roots[s]))}
	}
}

// describe begins the description of s's root filesystem (RootOf), once
// per rootfs source, and returns its job; b.mu is held.
func (b *Book) describe(s *config.Sandbox, planned *launcher.Plan, digest string) *rootJob {
	if j, ok := b.roots[s.Rootfs]; ok && s.Rootfs != "" {
		return j
	}
	j := &rootJob{done: make(chan struct{})}
	if s.Rootfs != "" {
		b.roots[s.Rootfs] = j
	}
	go func() {
		defer close(j.done)
		j.r, j.err = RootOf(s, planned, digest)
	}()
	return j
}

// root waits for the description of p's root filesystem.
func (b *Book) root(p *pendingReceipt) (Root, error) {
	<-p.root.done
	return p.root.r, p.root.err
}

// Wait waits for the descriptions begun for sandboxes that never ended
// (a start that failed before its unit existed), so that none is cut off
// while it writes the rootfs index.
func (b *Book) Wait() {
	b.mu.Lock()
	jobs := make([]*rootJob, 0, len(b.roots))
	for _, j := range b.roots {
		jobs = append(jobs, j)
	}
	b.mu.Unlock()
	for _, j := range jobs {
		<-j.done
	}
}

func preparedDigest(p *launcher.PreparedRootfs) string {
	if p == nil {
		return ""
	}
	return p.Digest
}

// Started reads the sandbox's limits back from its cgroup, cg (nil:
// none), which exists from setup until the sandbox is waited for.
func (b *Book) Started(plan *launcher.Plan, cg *cgroups.CgroupRef) {
	b.mu.Lock()
	p := b.pending[plan.Name]
	b.mu.Unlock()
	if p == nil {
		return
	}
	p.r.Started = time.Now()
	if cg != nil {
		ReadBack(p.r.Limits, p.plan, *cg)
	}
}

// WriteAll writes the receipt of every sandbox of a batch into the
// state root's receipt directory, with the checks of sandbox test when
// there are any.
func (b *Book) WriteAll(units []*supervise.Unit, checks map[string][]expect.Verdict, stateRoot string) {
	for _, u := range units {
		b.Write(u, checks[u.Name()], stateRoot)
	}
	b.Wait()
}

// Write completes u's receipt with how it ended and writes it.
func (b *Book) Write(u *supervise.Unit, checks []expect.Verdict, stateRoot string) {
	b.mu.Lock()
	p := b.pending[u.Name()]
	delete(b.pending, u.Name())
	b.mu.Unlock()
	if p == nil {
		return
	}
	r := p.r
	root, err := b.root(p)
	if err != nil {
		fmt.Fprintf(b.stderr(), "sandbox: %s: warning: no receipt: %v\n", r.Sandbox, err)
		return
	}
	r.Root = root
	out := report.OutcomeOf(u)
	r.Exit = &Exit{Result: out.Describe(), Code: out.ExitCode, Duration: out.Duration}
	r.Finished = time.Now()
	if r.Started.IsZero() {
		r.Started = r.Finished.Add(-time.Duration(out.Duration * float64(time.Second)))
	}
	if u.Result != nil && u.Result.Usage != nil {
		use := u.Result.Usage
		r.Usage = &Usage{PeakMemory: use.PeakMemory, CPU: use.CPUTime.Seconds(), OOMKills: use.OOMKills}
	}
	for _, v := range checks {
		r.Checks = append(r.Checks, Check(v))
	}
	for _, path := range b.paths(r.Sandbox, stateRoot) {
		if err := r.Write(path); err != nil {
			fmt.Fprintf(b.stderr(), "sandbox: %s: warning: %v\n", r.Sandbox, err)
		}
	}
}

// paths are where name's receipt goes: the state root's receipt
// directory, and Dir.
func (b *Book) paths(name, stateRoot string) []string {
	file := config.PathName(name) + ".json"
	out := []string{filepath.Join(stateRoot, Dir, file)}
	if b.Dir != "" {
		out = append(out, filepath.Join(b.Dir, file))
	}
	return out
}

// stderr is where warnings go.
func (b *Book) stderr() io.Writer {
	if b.Stderr != nil {
		return b.Stderr
	}
	return os.Stderr
}
