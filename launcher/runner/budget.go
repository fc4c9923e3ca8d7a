package runner

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/exitcode"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/report"
)

// validParent reports whether name may be a --cgroup-parent: one
// directory under sandbox/ of 1 to 63 letters, digits, '_', '.' or '-',
// not starting with '_', '.' or '-'. (Not a package-level regexp: every
// re-executed sandbox child would compile it.)
func validParent(name string) bool {
	if name == "" || len(name) > 63 || strings.IndexByte("_.-", name[0]) >= 0 {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_.-", r)) {
			return false
		}
	}
	return true
}

// Budget creates the batch's parent cgroup when parent (--cgroup-parent)
// or a batch { limits } block asks for one, and moves every plan under
// it. It returns nil when there is none.
func (r *Runner) Budget(cfg *config.Config, plans []*launcher.Plan, host *launcher.Host, parent string) (*launcher.BatchCgroup, error) {
	var limits *config.Limits
	if cfg.Batch != nil {
		limits = cfg.Batch.Limits
	}
	name := parent
	if name == "" && limits == nil {
		return nil, nil
	}
	if name == "" {
		id := make([]byte, 4)
		rand.Read(id)
		name = "batch-" + hex.EncodeToString(id)
	}
	if !validParent(name) {
		return nil, exitcode.Errorf(exitcode.Usage, "--cgroup-parent %q: use one name of letters, digits, '_', '.' or '-'", name)
	}
	bc, warnings, err := launcher.NewBatchCgroup(host, name, limits)
	if err != nil {
		return nil, exitcode.Errorf(exitcode.Setup, "%v", err)
	}
	for _, w := range warnings {
		fmt.Fprintf(r.Stderr, "sandbox: batch: warning: %s\n", w)
	}
	for _, p := range plans {
		p.InBatch(name)
	}
	return bc, nil
}

// CloseBudget records the batch's usage in rep and removes its cgroup.
func (r *Runner) CloseBudget(bc *launcher.BatchCgroup, rep *report.Report) {
	if bc == nil {
		return
	}
	if u := bc.Usage(); u != nil {
		rep.Batch = &report.Usage{Cgroup: "sandbox/" + bc.Name, PeakMemory: u.PeakMemory, CPUTime: u.CPUTime.Seconds()}
	}
	if err := bc.Close(); err != nil {
		fmt.Fprintf(r.Stderr, "sandbox: batch: %v\n", err)
	}
}
