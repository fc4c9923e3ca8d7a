package main

import (
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/expect"
	"github.com/hclsandbox/sandbox/launcher/receipt"
	"github.com/hclsandbox/sandbox/launcher/report"
	"github.com/hclsandbox/sandbox/launcher/supervise"
	"github.com/spf13/cobra"
)

// receiptBook gathers the receipt of each sandbox a command runs: its
// inputs before the start, its limits read back once it runs, its end.
// Each receipt goes into the state directory's receipt directory, and
// into dir too when --receipt names one.
type receiptBook struct {
	dir     string
	mu      sync.Mutex
	pending map[string]*pendingReceipt
	// roots are the roots described so far, by rootfs source: sandboxes
	// that share one digest it once.
	roots map[string]receipt.Root
}

// pendingReceipt is a receipt whose sandbox has not ended yet. Its root
// is described once the sandbox has ended, so that digesting a rootfs
// never delays a start: s and planned say which, digest is the one
// preparing the rootfs computed, if any.
type pendingReceipt struct {
	r       *receipt.Receipt
	plan    *launcher.Plan
	s       *config.Sandbox
	planned *launcher.Plan
	digest  string
}

// addReceiptFlag adds --receipt to a command that runs sandboxes.
func (e *env) addReceiptFlag(cmd *cobra.Command) *cobra.Command {
	cmd.Flags().StringVar(&e.receipts.dir, "receipt", "", "also write each sandbox's receipt into `DIR`, as NAME.json")
	return cmd
}

// prepare makes the receipt of each sandbox about to run with plans;
// args replace the command (run -- ARGS). A receipt that cannot be made
// is a warning: the sandboxes run anyway.
func (e *env) prepareReceipts(command string, cfg *config.Config, sbs []*config.Sandbox, plans []*launcher.Plan,
	roots map[*config.Sandbox]*launcher.PreparedRootfs, host *launcher.Host, args []string) {
	in, err := receipt.InputsOf(cfg)
	if err != nil {
		fmt.Fprintf(e.stderr, "sandbox: warning: no receipts: %v\n", err)
		return
	}
	planned := buildPlans(sbs, host, nil)
	b := &e.receipts
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pending = map[string]*pendingReceipt{}
	b.roots = map[string]receipt.Root{}
	for i, s := range sbs {
		p := planned[i]
		if len(args) > 0 {
			p = p.WithArgs(args)
		}
		r := receipt.New(command, in, s.Name, p, receipt.Root{}, host)
		r.Args = args
		b.pending[s.Name] = &pendingReceipt{r: r, plan: plans[i], s: s, planned: p, digest: preparedDigest(roots[s])}
	}
}

// root describes p's root filesystem, once per rootfs source.
func (b *receiptBook) root(p *pendingReceipt) (receipt.Root, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if r, ok := b.roots[p.s.Rootfs]; ok && p.s.Rootfs != "" {
		return r, nil
	}
	r, err := receipt.RootOf(p.s, p.planned, p.digest)
	if err == nil {
		b.roots[p.s.Rootfs] = r
	}
	return r, err
}

func preparedDigest(p *launcher.PreparedRootfs) string {
	if p == nil {
		return ""
	}
	return p.Digest
}

// receiptStarted reads the sandbox's limits back from its cgroup, which
// exists from setup until the sandbox is waited for.
func (e *env) receiptStarted(plan *launcher.Plan) {
	b := &e.receipts
	b.mu.Lock()
	p := b.pending[plan.Name]
	b.mu.Unlock()
	if p == nil {
		return
	}
	p.r.Started = time.Now()
	if rec, err := e.stateDir().Read(plan.Name); err == nil && rec.Cgroup != nil {
		receipt.ReadBack(p.r.Limits, p.plan, *rec.Cgroup)
	}
}

// writeReceipts writes the receipt of every sandbox of a batch, with the
// checks of sandbox test when there are any.
func (e *env) writeReceipts(units []*supervise.Unit, checks map[string][]expect.Verdict) {
	for _, u := range units {
		e.writeReceipt(u, checks[u.Name()])
	}
}

// writeReceipt completes u's receipt with how it ended and writes it.
func (e *env) writeReceipt(u *supervise.Unit, checks []expect.Verdict) {
	b := &e.receipts
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
		fmt.Fprintf(e.stderr, "sandbox: %s: warning: no receipt: %v\n", r.Sandbox, err)
		return
	}
	r.Root = root
	out := report.OutcomeOf(u)
	r.Exit = &receipt.Exit{Result: out.Describe(), Code: out.ExitCode, Duration: out.Duration}
	r.Finished = time.Now()
	if r.Started.IsZero() {
		r.Started = r.Finished.Add(-time.Duration(out.Duration * float64(time.Second)))
	}
	if u.Result != nil && u.Result.Usage != nil {
		use := u.Result.Usage
		r.Usage = &receipt.Usage{PeakMemory: use.PeakMemory, CPU: use.CPUTime.Seconds(), OOMKills: use.OOMKills}
	}
	for _, v := range checks {
		r.Checks = append(r.Checks, receipt.Check(v))
	}
	for _, path := range e.receiptPaths(r.Sandbox) {
		if err := r.Write(path); err != nil {
			fmt.Fprintf(e.stderr, "sandbox: %s: warning: %v\n", r.Sandbox, err)
		}
	}
}

// receiptPaths are where name's receipt goes: the state root's receipt
// directory, and --receipt's directory.
func (e *env) receiptPaths(name string) []string {
	file := config.PathName(name) + ".json"
	out := []string{filepath.Join(e.stateDir().Root, receipt.Dir, file)}
	if e.receipts.dir != "" {
		out = append(out, filepath.Join(e.receipts.dir, file))
	}
	return out
}
